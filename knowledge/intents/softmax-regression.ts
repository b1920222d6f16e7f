/**
 * Multinomial logistic regression (softmax) over sparse TF-IDF vectors, trained with plain SGD,
 * L2 weight decay (by the scale trick, so a step costs O(non-zeros × classes)), a decaying
 * learning rate, and updates restricted to the classes with a non-negligible gradient.
 * Deterministic: the shuffle uses a seeded generator.
 */
import type { SparseVector } from './tfidf-vectorizer.ts';

/** Training settings of {@link trainSoftmaxRegression}. */
export interface SoftmaxTrainingOptions {
  /** Passes over the data; default 6. */
  epochs?: number;
  /** Initial learning rate; default 3. */
  learningRate?: number;
  /** L2 penalty per example; default 1e-5. */
  l2?: number;
  /**
   * Skip updating classes whose gradient is smaller than this; default 0.01. Once training
   * settles most of 150 classes get a near-zero gradient: on CLINC150 this halves training time
   * at the same accuracy (0.914 → 0.916 in-scope on val).
   */
  skipBelow?: number;
  /** Shuffle seed; default 1. */
  seed?: number;
}

/** A trained model: class probabilities of a vector (index = class id). */
export interface SoftmaxModel {
  readonly classCount: number;
  probabilities(vector: SparseVector): Float64Array;
}

/** Small, fast, seeded PRNG (mulberry32). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function softmaxInPlace(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const value of logits) if (value > max) max = value;
  let sum = 0;
  for (let c = 0; c < logits.length; c++) {
    const e = Math.exp(logits[c]! - max);
    logits[c] = e;
    sum += e;
  }
  for (let c = 0; c < logits.length; c++) logits[c]! /= sum;
  return logits;
}

/** Trains the model; `labels[i]` is the class id (0 … classCount-1) of `vectors[i]`. */
export function trainSoftmaxRegression(
  vectors: readonly SparseVector[],
  labels: readonly number[],
  classCount: number,
  featureCount: number,
  options: SoftmaxTrainingOptions = {},
): SoftmaxModel {
  const epochs = options.epochs ?? 6;
  const learningRate = options.learningRate ?? 3;
  const l2 = options.l2 ?? 1e-5;
  const random = createRandom(options.seed ?? 1);
  // weights[f * classCount + c]; true weight = scale * stored weight.
  const weights = new Float32Array(featureCount * classCount);
  const bias = new Float64Array(classCount);
  let scale = 1;
  const order = Array.from(vectors.keys());
  const logits = new Float64Array(classCount);
  const activeClasses = new Int32Array(classCount);
  const skipBelow = options.skipBelow ?? 0.01;
  const totalSteps = epochs * vectors.length;
  let step = 0;

  const computeLogits = (vector: SparseVector, out: Float64Array, factor: number): void => {
    out.set(bias);
    for (let k = 0; k < vector.indices.length; k++) {
      const row = vector.indices[k]! * classCount;
      const x = vector.values[k]! * factor;
      for (let c = 0; c < classCount; c++) out[c]! += weights[row + c]! * x;
    }
  };

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const index of order) {
      const vector = vectors[index]!;
      const rate = learningRate / (1 + (4 * step++) / totalSteps);
      computeLogits(vector, logits, scale);
      softmaxInPlace(logits);
      logits[labels[index]!]! -= 1; // now the gradient of the loss w.r.t. the logits
      scale *= 1 - rate * l2;
      const stepSize = rate / scale;
      let active = 0;
      for (let c = 0; c < classCount; c++) if (Math.abs(logits[c]!) > skipBelow) activeClasses[active++] = c;
      const indices = vector.indices;
      const values = vector.values;
      for (let k = 0; k < indices.length; k++) {
        const row = indices[k]! * classCount;
        const x = values[k]! * stepSize;
        for (let a = 0; a < active; a++) {
          const c = activeClasses[a]!;
          weights[row + c]! -= logits[c]! * x;
        }
      }
      for (let c = 0; c < classCount; c++) bias[c]! -= rate * logits[c]!;
      if (scale < 1e-6) {
        for (let w = 0; w < weights.length; w++) weights[w]! *= scale;
        scale = 1;
      }
    }
  }
  for (let w = 0; w < weights.length; w++) weights[w]! *= scale;

  return {
    classCount,
    probabilities(vector: SparseVector): Float64Array {
      const out = new Float64Array(classCount);
      computeLogits(vector, out, 1);
      return softmaxInPlace(out);
    },
  };
}
