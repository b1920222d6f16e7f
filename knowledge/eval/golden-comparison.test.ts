import { describe, expect, it } from 'vitest';
import { compareGoldenRuns } from './golden-comparison.ts';
import type { GoldenMiss } from './golden-run.ts';

const miss = (query: string, retrievedKey: string): GoldenMiss => ({
  query,
  expectedKeys: ['x'],
  expectedRank: null,
  retrieved: [{ key: retrievedKey, question: retrievedKey, score: 1 }],
});

describe('compareGoldenRuns', () => {
  it('pairs queries by position, so a repeated query is compared row by row', () => {
    // Rows: 退钱 (twice, different gold ids), 几点开门, 发票.
    const before = { hitAt1ByQuery: [true, false, true, false], misses: [miss('退钱', 'refund'), miss('发票', 'stores')] };
    const after = { hitAt1ByQuery: [false, true, true, true], misses: [miss('退钱', 'stores')] };
    expect(compareGoldenRuns(before, after)).toEqual({
      regressions: [miss('退钱', 'stores')],
      fixes: [miss('退钱', 'refund'), miss('发票', 'stores')],
    });
    expect(compareGoldenRuns(before, before)).toEqual({ regressions: [], fixes: [] });
  });

  it('refuses runs of different query lists', () => {
    expect(() => compareGoldenRuns({ hitAt1ByQuery: [true], misses: [] }, { hitAt1ByQuery: [], misses: [] })).toThrow(RangeError);
  });
});
