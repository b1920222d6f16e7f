import { cosineSimilarity } from 'ai';
import { describe, expect, it } from 'vitest';
import { createVectorIndex, normalize } from './vector-index.ts';

/** Deterministic pseudo-random vectors (xorshift). */
function randomVectors(count: number, dimensions: number, seed = 7): number[][] {
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 2 ** 32) * 2 - 1;
  };
  return Array.from({ length: count }, () => Array.from({ length: dimensions }, next));
}

describe('createVectorIndex', () => {
  it('ranks by cosine similarity exactly as a full sort does', () => {
    const vectors = randomVectors(300, 16);
    const index = createVectorIndex();
    vectors.forEach((vector, position) => index.add(`e${position}`, vector));
    const [query] = randomVectors(1, 16, 99);
    const expected = vectors
      .map((vector, position) => ({ id: `e${position}`, similarity: cosineSimilarity(query!, vector) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 10);
    const hits = index.search(query!, 10);
    expect(hits.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
    hits.forEach((hit, position) => expect(hit.similarity).toBeCloseTo(expected[position]!.similarity, 5));
    expect(index.similarity('e3', normalize(query!))).toBeCloseTo(cosineSimilarity(query!, vectors[3]!), 5);
  });

  it('removes and replaces vectors, keeping the other rows intact', () => {
    const index = createVectorIndex();
    index.add('a', [1, 0, 0]);
    index.add('b', [0, 1, 0]);
    index.add('c', [0, 0, 1]);
    expect(index.remove('a')).toBe(true);
    expect(index.remove('a')).toBe(false);
    expect(index.search([0, 0, 1], 1)).toEqual([{ id: 'c', similarity: 1 }]);
    index.add('b', [0, 0, 2]);
    expect(index.size).toBe(2);
    expect(index.search([0, 0, 1], 2).map((hit) => hit.similarity)).toEqual([1, 1]);
    expect(index.search([0, 1, 0], 5).every((hit) => hit.similarity === 0)).toBe(true);
  });

  it('refuses a vector of other dimensions', () => {
    const index = createVectorIndex();
    index.add('a', [1, 0]);
    expect(() => index.add('b', [1, 0, 0])).toThrow(expect.objectContaining({ code: 'vector_dimensions' }));
    expect(() => index.search([1, 0, 0], 1)).toThrow(expect.objectContaining({ code: 'vector_dimensions' }));
  });
});
