/** Postings and the hot loops of BM25 search, kept monomorphic and free of closure state. */
import type { RetrievalHit } from '../types.ts';

/**
 * Units containing a term. Each unit is one small integer, `unit · 256 + min(tf, 255)`: one
 * packed array per term instead of two halves the memory of an index, and BM25 saturates long
 * before a term repeats 255 times in one unit. Units must stay below 2^23.
 */
export interface Posting {
  packed: number[];
  /** Live units containing the term (the BM25 document frequency). */
  live: number;
}

const TF_BITS = 256;

/** Append a unit to a posting. */
export function addToPosting(posting: Posting, unit: number, tf: number): void {
  posting.packed.push(unit * TF_BITS + Math.min(tf, TF_BITS - 1));
  posting.live++;
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
  const { packed } = posting;
  const { alive, lengths, lengthOffset, stride, scores, touched } = into;
  for (let position = 0; position < packed.length; position++) {
    const value = packed[position] as number;
    const unit = (value / TF_BITS) | 0;
    if (!alive[unit]) continue;
    const tf = value & (TF_BITS - 1);
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

/** Whether `score` would enter `hits` (checked before allocating a hit). */
export function entersTop(hits: readonly RetrievalHit[], score: number, limit: number): boolean {
  return hits.length < limit || (hits[limit - 1] as RetrievalHit).score < score;
}
