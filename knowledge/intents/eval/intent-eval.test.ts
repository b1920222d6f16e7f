import { describe, expect, it } from 'vitest';
import { computeIntentMetrics, percentile } from './intent-eval.ts';
import { bestThresholdF1, rocAuc } from './pair-metrics.ts';

describe('computeIntentMetrics', () => {
  it('matches a hand-computed example', () => {
    // In-scope rows: a,a,a,b,b ; oos rows: 2.
    const outcomes = [
      { gold: 'a', predicted: 'a' },
      { gold: 'a', predicted: 'a' },
      { gold: 'a', predicted: 'b' },
      { gold: 'b', predicted: 'b' },
      { gold: 'b', predicted: 'oos' }, // rejected in-scope row: wrong
      { gold: 'oos', predicted: 'oos' },
      { gold: 'oos', predicted: 'a' },
    ];
    const metrics = computeIntentMetrics(outcomes, [1, 2, 3, 4, 5, 6, 7]);
    // accuracy = 3 correct of 5 in-scope.
    expect(metrics.accuracy).toBe(0.6);
    // a: P = 2/2, R = 2/3, F1 = 0.8 ; b: P = 1/2, R = 1/2, F1 = 0.5 ; macro = 0.65.
    expect(metrics.macro_f1).toBe(0.65);
    // oos: recall 1/2 ; precision: 2 rejections, 1 of them oos → 0.5.
    expect(metrics.oos_recall).toBe(0.5);
    expect(metrics.oos_precision).toBe(0.5);
    expect(metrics).toMatchObject({ test_rows: 7, in_scope_rows: 5, oos_rows: 2, labels: 2, p50_ms: 4, p95_ms: 7 });
  });

  it('leaves out oos metrics when the test has no oos rows', () => {
    const metrics = computeIntentMetrics([{ gold: 'a', predicted: 'a' }], [0.5]);
    expect(metrics.oos_recall).toBeUndefined();
    expect(metrics.oos_precision).toBeUndefined();
    expect(metrics.accuracy).toBe(1);
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, index) => index + 1), 95)).toBe(95);
    expect(percentile([], 95)).toBe(0);
  });
});

describe('pair metrics', () => {
  it('computes ROC-AUC with ties as half', () => {
    expect(rocAuc([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.1, 0.9], [1, 0])).toBe(0);
    // positive 0.5 ties one negative (½) and beats the other (1): AUC = 1.5 / 2.
    expect(rocAuc([0.5, 0.5, 0.2], [1, 0, 0])).toBe(0.75);
  });

  it('finds the best F1 threshold without splitting ties', () => {
    // t = 0.9 → F1 2/3; t = 0.5 → tp 2 of 3 predicted, 2 positives → 4/5; t = 0.1 → 4/6.
    // A perfect cut would separate the tied 0.5 pair, which no threshold can.
    const best = bestThresholdF1([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0]);
    expect(best.threshold).toBe(0.5);
    expect(best.f1).toBeCloseTo(0.8);
  });
});
