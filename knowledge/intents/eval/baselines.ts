/**
 * The reference floors of the dataset READMEs (`shared/datasets/…/README.md`), re-implemented so a
 * benchmark can compute the floor on the same split as the system it measures:
 * - BM25 1-NN: label of the most similar training utterance (Okapi BM25, k1 1.2, b 0.75) over
 *   Han characters and lower-cased Latin words ("char BM25", "char/word BM25");
 * - character uni+bigram Jaccard for pair scoring (ATEC).
 */
import type { LabelledUtterance } from '../types.ts';

/** Han characters as single tokens, other letter/digit runs as lower-cased words (NFKC first). */
export function baselineTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(/(\p{Script=Han})|([\p{L}\p{N}]+)/gu)) {
    tokens.push(match[1] ?? match[2]!);
  }
  return tokens;
}

/** A BM25 1-nearest-neighbour classifier: `classify` returns the label of the best-scoring row. */
export function trainBm25NearestNeighbour(rows: readonly LabelledUtterance[]): { classify(text: string): string } {
  const k1 = 1.2;
  const b = 0.75;
  const postings = new Map<string, { row: number; tf: number }[]>();
  const lengths = rows.map((row, index) => {
    const tokens = baselineTokens(row.text);
    const counts = new Map<string, number>();
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    for (const [token, tf] of counts) {
      const list = postings.get(token) ?? [];
      list.push({ row: index, tf });
      postings.set(token, list);
    }
    return tokens.length;
  });
  const averageLength = lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, rows.length);
  const scores = new Float64Array(rows.length);
  return {
    classify(text: string): string {
      scores.fill(0);
      for (const token of new Set(baselineTokens(text))) {
        const list = postings.get(token);
        if (!list) continue;
        const idf = Math.log(1 + (rows.length - list.length + 0.5) / (list.length + 0.5));
        for (const { row, tf } of list) {
          scores[row]! += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[row]!) / averageLength));
        }
      }
      let best = 0;
      for (let row = 1; row < scores.length; row++) if (scores[row]! > scores[best]!) best = row;
      return rows[best]?.label ?? '';
    },
  };
}

function charUniBigrams(text: string): Set<string> {
  const chars = Array.from(text.normalize('NFKC').toLowerCase().replace(/\s+/g, ''));
  const grams = new Set(chars);
  for (let index = 1; index < chars.length; index++) grams.add(chars[index - 1]! + chars[index]!);
  return grams;
}

/** Jaccard similarity of the character unigram+bigram sets of two texts (the ATEC floor). */
export function charJaccard(left: string, right: string): number {
  const a = charUniBigrams(left);
  const b = charUniBigrams(right);
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}
