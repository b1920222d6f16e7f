/**
 * TF-IDF over the string features of `features.ts`: sublinear term frequency (1 + ln tf),
 * smoothed idf (ln((1 + n) / (1 + df)) + 1, as scikit-learn), and L2 normalisation, so the dot
 * product of two vectors is their cosine similarity.
 */
import { extractFeatures, type FeatureOptions } from './features.ts';
import { runToEnd, type SlicedWork } from './sliced-work.ts';

/** A sparse, L2-normalised vector: parallel arrays of feature indices and weights. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** A fitted TF-IDF vectorizer: a fixed vocabulary with one idf weight per feature. */
export interface TfidfVectorizer {
  /** Number of features in the vocabulary. */
  readonly size: number;
  /** The vector of a text; features unknown at fit time are dropped. */
  transform(text: string): SparseVector;
}

/** Options of {@link fitTfidfVectorizer}. */
export interface TfidfOptions {
  features?: FeatureOptions;
  /** Drop features seen in fewer documents than this; default 1 (keep all). */
  minDocumentFrequency?: number;
}

function countFeatures(text: string, options: FeatureOptions | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const feature of extractFeatures(text, options)) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  return counts;
}

/** Cosine similarity of two vectors made by the same vectorizer. */
export function cosine(left: SparseVector, right: SparseVector): number {
  // Both index arrays are sorted ascending: merge them.
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < left.indices.length && j < right.indices.length) {
    const a = left.indices[i]!;
    const b = right.indices[j]!;
    if (a === b) sum += left.values[i++]! * right.values[j++]!;
    else if (a < b) i++;
    else j++;
  }
  return sum;
}

/** Learns the vocabulary and idf weights from a corpus of utterances. */
export function fitTfidfVectorizer(texts: readonly string[], options: TfidfOptions = {}): TfidfVectorizer {
  return runToEnd(fitTfidfVectorizerSteps(texts, options));
}

/** {@link fitTfidfVectorizer} as sliced work: yields after each utterance. */
export function* fitTfidfVectorizerSteps(texts: readonly string[], options: TfidfOptions = {}): SlicedWork<TfidfVectorizer> {
  const documentFrequency = new Map<string, number>();
  for (const text of texts) {
    for (const feature of countFeatures(text, options.features).keys()) {
      documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
    }
    yield;
  }
  const minimum = options.minDocumentFrequency ?? 1;
  const vocabulary = new Map<string, number>();
  const idf: number[] = [];
  for (const [feature, frequency] of documentFrequency) {
    if (frequency < minimum) continue;
    vocabulary.set(feature, idf.length);
    idf.push(Math.log((1 + texts.length) / (1 + frequency)) + 1);
  }
  return {
    size: idf.length,
    transform(text: string): SparseVector {
      const entries: [number, number][] = [];
      let norm = 0;
      for (const [feature, count] of countFeatures(text, options.features)) {
        const index = vocabulary.get(feature);
        if (index === undefined) continue;
        const weight = (1 + Math.log(count)) * idf[index]!;
        entries.push([index, weight]);
        norm += weight * weight;
      }
      entries.sort((a, b) => a[0] - b[0]);
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      return {
        indices: Int32Array.from(entries, (entry) => entry[0]),
        values: Float32Array.from(entries, (entry) => entry[1] * scale),
      };
    },
  };
}
