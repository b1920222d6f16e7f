/**
 * Fusing the lexical (BM25) and dense candidate lists into one ranking.
 *
 * Default: reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009), `Σ 1 / (k + rank)`
 * with k = 60. It uses ranks only, so it needs no calibration between BM25 scores — unbounded,
 * growing with query length and shrinking with corpus size (see `knowledge/README.md`) — and
 * cosine similarities, whose range depends on the model. A convex combination of min-max
 * normalised scores can do better when its weight is fitted on in-domain data (Bruch et al., "An
 * Analysis of Fusion Functions for Hybrid Retrieval", 2023); it is here so that
 * `bench/knowledge/dense.ts --embedding-url …` can compare both on a real model.
 */

/** How the two rankings are combined. */
export type Fusion =
  | { method: 'rrf'; /** Rank offset; default 60. */ k?: number }
  | { method: 'convex'; /** Weight of the normalised BM25 score (dense gets the rest), 0..1. */ lexicalWeight: number };

/** Default fusion: reciprocal rank fusion with k = 60. */
export const defaultFusion: Fusion = { method: 'rrf', k: 60 };

/** A fused candidate, best first. */
export interface FusedCandidate {
  id: string;
  fused: number;
}

/**
 * Fuse two candidate lists (each best first) into one, best first. An id missing from a list adds
 * nothing from that list. Ties keep lexical order first, then dense order.
 */
export function fuseRankings(
  lexical: ReadonlyArray<{ id: string; score: number }>,
  dense: ReadonlyArray<{ id: string; similarity: number }>,
  fusion: Fusion = defaultFusion,
): FusedCandidate[] {
  const fused = new Map<string, number>();
  const add = (id: string, value: number) => fused.set(id, (fused.get(id) ?? 0) + value);
  if (fusion.method === 'rrf') {
    const k = fusion.k ?? 60;
    lexical.forEach(({ id }, rank) => add(id, 1 / (k + rank + 1)));
    dense.forEach(({ id }, rank) => add(id, 1 / (k + rank + 1)));
  } else {
    const weight = Math.min(1, Math.max(0, fusion.lexicalWeight));
    const lexicalScores = minMax(lexical.map((hit) => hit.score));
    const denseScores = minMax(dense.map((hit) => hit.similarity));
    lexical.forEach(({ id }, rank) => add(id, weight * (lexicalScores[rank] as number)));
    dense.forEach(({ id }, rank) => add(id, (1 - weight) * (denseScores[rank] as number)));
  }
  // Map order is lexical first, then dense-only ids: a stable sort keeps that order on ties.
  return [...fused].map(([id, value]) => ({ id, fused: value })).sort((a, b) => b.fused - a.fused);
}

/** Scale to 0..1 over the list; a list of equal scores maps to 1 (all equally the best). */
function minMax(scores: number[]): number[] {
  const low = Math.min(...scores);
  const high = Math.max(...scores);
  return scores.map((score) => (high > low ? (score - low) / (high - low) : 1));
}
