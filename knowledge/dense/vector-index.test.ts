import { cosineSimilarity } from 'ai';
import { describe, expect, it } from 'vitest';
import { simdAvailable } from './score-matrix.ts';
import { createVectorIndex, normalize } from './vector-index.ts';

it('the WebAssembly SIMD kernel assembles and validates on this runtime', () => {
  expect(simdAvailable()).toBe(true);
});

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

describe.each([
  ['WebAssembly SIMD', true],
  ['JavaScript', false],
])('createVectorIndex (%s)', (_name, simd) => {
  it.each([16, 18])('ranks by cosine similarity exactly as a full sort does (%i dimensions)', (dimensions) => {
    const vectors = randomVectors(300, dimensions);
    const index = createVectorIndex({ simd });
    vectors.forEach((vector, position) => index.add(`e${position}`, vector));
    // Removing rows after the matrix grew moves the last rows into the holes.
    for (const position of [0, 150, 299]) index.remove(`e${position}`);
    const live = vectors.map((vector, position) => ({ vector, id: `e${position}` })).filter(({ id }) => index.has(id));
    const [query] = randomVectors(1, dimensions, 99);
    const expected = live
      .map(({ vector, id }) => ({ id, similarity: cosineSimilarity(query!, vector) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 10);
    const hits = index.search(query!, 10);
    expect(hits.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
    hits.forEach((hit, position) => expect(hit.similarity).toBeCloseTo(expected[position]!.similarity, 5));
    expect(index.similarity('e3', normalize(query!))).toBeCloseTo(cosineSimilarity(query!, vectors[3]!), 5);
  });

  it('removes and replaces vectors, keeping the other rows intact', () => {
    const index = createVectorIndex({ simd });
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
    const index = createVectorIndex({ simd });
    index.add('a', [1, 0]);
    expect(() => index.add('b', [1, 0, 0])).toThrow(expect.objectContaining({ code: 'vector_dimensions' }));
    expect(() => index.search([1, 0, 0], 1)).toThrow(expect.objectContaining({ code: 'vector_dimensions' }));
  });
});
