/**
 * Metrics of an intent evaluation, as printed by `kefu eval intents` (DESIGN.md, "Public
 * contract"): accuracy and macro-F1 over the in-scope test rows, out-of-scope recall/precision
 * when the test has `oos` rows, and per-prediction latency percentiles.
 */
import { OUT_OF_SCOPE } from '../types.ts';

/** One test row's gold label and what the detector predicted. */
export interface IntentOutcome {
  gold: string;
  predicted: string;
}

/** The metrics of {@link computeIntentMetrics}; `oos_*` only when the test has `oos` rows. */
export interface IntentMetrics {
  test_rows: number;
  in_scope_rows: number;
  oos_rows: number;
  /** Distinct in-scope gold labels (the classes macro-F1 averages over). */
  labels: number;
  /** Share of in-scope rows predicted exactly (a rejected in-scope row counts as wrong). */
  accuracy: number;
  /** Mean over in-scope gold labels of per-label F1, counted on the in-scope rows. */
  macro_f1: number;
  /** Share of `oos` rows that were rejected. */
  oos_recall?: number;
  /** Share of rejections (over all test rows) that were `oos` rows. */
  oos_precision?: number;
  p50_ms: number;
  p95_ms: number;
}

/** Nearest-rank percentile (p in 0–100) of a list of numbers; 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Rounds a metric for printing (4 decimals; latency to 3). */
export function round(value: number, decimals = 4): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Computes the metrics from outcomes and per-prediction latencies in milliseconds. */
export function computeIntentMetrics(outcomes: readonly IntentOutcome[], latenciesMs: readonly number[]): IntentMetrics {
  const inScope = outcomes.filter((outcome) => outcome.gold !== OUT_OF_SCOPE);
  const outOfScope = outcomes.filter((outcome) => outcome.gold === OUT_OF_SCOPE);
  const labels = [...new Set(inScope.map((outcome) => outcome.gold))];
  const correct = inScope.filter((outcome) => outcome.predicted === outcome.gold).length;

  let f1Sum = 0;
  for (const label of labels) {
    const truePositives = inScope.filter((outcome) => outcome.gold === label && outcome.predicted === label).length;
    const predicted = inScope.filter((outcome) => outcome.predicted === label).length;
    const actual = inScope.filter((outcome) => outcome.gold === label).length;
    const precision = predicted === 0 ? 0 : truePositives / predicted;
    const recall = truePositives / actual;
    f1Sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }

  const metrics: IntentMetrics = {
    test_rows: outcomes.length,
    in_scope_rows: inScope.length,
    oos_rows: outOfScope.length,
    labels: labels.length,
    accuracy: inScope.length === 0 ? 0 : round(correct / inScope.length),
    macro_f1: labels.length === 0 ? 0 : round(f1Sum / labels.length),
    p50_ms: round(percentile(latenciesMs, 50), 3),
    p95_ms: round(percentile(latenciesMs, 95), 3),
  };
  if (outOfScope.length > 0) {
    const rejected = outcomes.filter((outcome) => outcome.predicted === OUT_OF_SCOPE);
    const caught = outOfScope.filter((outcome) => outcome.predicted === OUT_OF_SCOPE).length;
    metrics.oos_recall = round(caught / outOfScope.length);
    metrics.oos_precision = rejected.length === 0 ? 0 : round(caught / rejected.length);
  }
  return metrics;
}

/**
 * Runs `predict` over the test rows one at a time, timing each call, and computes the metrics.
 * `predict` returns the predicted label (`oos` to reject).
 */
export async function evaluateIntents(
  predict: (text: string) => string | Promise<string>,
  rows: readonly { text: string; label: string }[],
): Promise<IntentMetrics> {
  const outcomes: IntentOutcome[] = [];
  const latencies: number[] = [];
  for (const row of rows) {
    const started = performance.now();
    const predicted = await predict(row.text);
    latencies.push(performance.now() - started);
    outcomes.push({ gold: row.label, predicted });
  }
  return computeIntentMetrics(outcomes, latencies);
}
