/** The hot loops of BM25 search, kept monomorphic and free of closure state for the JIT. */
import type { RetrievalHit } from '../types.ts';

/** Units containing a term, with the term's frequency in each. */
export interface Posting {
  units: number[];
  tfs: number[];
  /** Live units containing the term (the BM25 document frequency). */
  live: number;
}

/** Where `accumulate` reads unit state and writes scores. */
export interface Accumulator {
  alive: readonly boolean[];
  lengths: readonly number[];
  lengthOffset: number;
  stride: number;
  /** Score per unit; a unit is pushed on `touched` when its score first becomes non-zero. */
  scores: Float64Array;
  touched: number[];
}

/**
 * Add one query term's BM25 contribution to every live unit of its posting:
 * `weight · tf / (tf + lengthBase + lengthScale · length)`, where `weight` folds idf and (k1 + 1).
 */
export function accumulate(posting: Posting, weight: number, lengthBase: number, lengthScale: number, into: Accumulator): void {
  const { units, tfs } = posting;
  const { alive, lengths, lengthOffset, stride, scores, touched } = into;
  for (let position = 0; position < units.length; position++) {
    const unit = units[position] as number;
    if (!alive[unit]) continue;
    const tf = tfs[position] as number;
    const previous = scores[unit] as number;
    if (previous === 0) touched.push(unit);
    scores[unit] = previous + (weight * tf) / (tf + lengthBase + lengthScale * (lengths[unit * stride + lengthOffset] as number));
  }
}

/** Keep `hits` the `limit` best, sorted descending (ties: earlier first); O(limit) per insert. */
export function insertTop(hits: RetrievalHit[], hit: RetrievalHit, limit: number): void {
  if (hits.length === limit && (hits[limit - 1] as RetrievalHit).score >= hit.score) return;
  let position = hits.length;
  while (position > 0 && (hits[position - 1] as RetrievalHit).score < hit.score) position--;
  hits.splice(position, 0, hit);
  if (hits.length > limit) hits.pop();
}
