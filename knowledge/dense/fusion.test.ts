import { describe, expect, it } from 'vitest';
import { fuseRankings } from './fusion.ts';

describe('fuseRankings', () => {
  const lexical = [
    { id: 'a', score: 30 },
    { id: 'b', score: 12 },
    { id: 'c', score: 11 },
  ];
  const dense = [
    { id: 'c', similarity: 0.9 },
    { id: 'd', similarity: 0.85 },
    { id: 'a', similarity: 0.2 },
  ];

  it('reciprocal rank fusion rewards agreement and ignores score scales', () => {
    const fused = fuseRankings(lexical, dense);
    // a and c are first and third in one list each: a tie, broken by lexical order; so are b and d.
    expect(fused.map((candidate) => candidate.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused[0]!.fused).toBeCloseTo(1 / 61 + 1 / 63, 10);
    // Multiplying BM25 scores changes nothing.
    expect(fuseRankings(lexical.map((hit) => ({ ...hit, score: hit.score * 100 })), dense)).toEqual(fused);
  });

  it('convex combination weighs min-max normalised scores', () => {
    const fused = fuseRankings(lexical, dense, { method: 'convex', lexicalWeight: 0.5 });
    // a: 0.5 × 1 + 0.5 × 0; c: 0.5 × 0 + 0.5 × 1; d: 0.5 × 0.93; b: 0.5 × 0.05.
    expect(fused.map((candidate) => candidate.id)).toEqual(['a', 'c', 'd', 'b']);
    expect(fused[2]!.fused).toBeCloseTo(0.5 * (0.65 / 0.7), 10);
    expect(fuseRankings(lexical, dense, { method: 'convex', lexicalWeight: 1 })[0]?.id).toBe('a');
  });

  it('with no dense candidates keeps the lexical order', () => {
    expect(fuseRankings(lexical, []).map((candidate) => candidate.id)).toEqual(['a', 'b', 'c']);
  });
});
