import { describe, expect, it } from 'vitest';
import { faq } from '../__fixtures__/demo-entries.ts';
import { evaluateRetrieval, percentile, scoreRankings } from './retrieval-eval.ts';

describe('scoreRankings', () => {
  it('computes hit@1, hit@5 and MRR@10 on a hand-worked example', () => {
    const rankings = [
      ['a', 'b', 'c'], // gold a at rank 1
      ['x', 'b', 'y'], // gold b at rank 2
      ['1', '2', '3', '4', '5', '6', 'c'], // gold c at rank 7
      ['x', 'y'], // gold z missing
    ];
    const gold = [['a'], ['b', 'q'], ['c'], ['z']];
    // hit@1 = 1/4; hit@5 = 2/4; MRR = (1 + 1/2 + 1/7 + 0) / 4 = 0.41071…
    expect(scoreRankings(rankings, gold)).toEqual({ 'hit@1': 0.25, 'hit@5': 0.5, 'mrr@10': 0.4107 });
  });

  it('ignores ranks past 10 and counts the best-ranked of several gold ids', () => {
    const ranking = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'gold'];
    expect(scoreRankings([ranking], [['gold']])['mrr@10']).toBe(0);
    expect(scoreRankings([['x', 'g2', 'g1']], [['g1', 'g2']])['mrr@10']).toBe(0.5);
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile([], 95)).toBe(0);
  });
});

describe('evaluateRetrieval', () => {
  it('returns the counts and metrics of the public contract', async () => {
    const entries = [faq('hours', '几点开门', '10点开门。'), faq('refund', '怎么退款', '在订单页申请退款。')];
    const result = await evaluateRetrieval(entries, [
      { query: '你们几点开门', goldIds: ['hours'] },
      { query: '我要退钱', goldIds: ['refund'] },
      { query: '天气怎么样', goldIds: ['hours'] },
    ]);
    expect(Object.keys(result)).toEqual(['entries', 'queries', 'hit@1', 'hit@5', 'mrr@10', 'p50_ms', 'p95_ms']);
    expect(result).toMatchObject({ entries: 2, queries: 3, 'hit@1': 0.6667, 'hit@5': 0.6667 });
    expect(result.p95_ms).toBeGreaterThanOrEqual(result.p50_ms);
  });
});
