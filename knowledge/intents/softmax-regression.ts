/**
 * Multinomial logistic regression (softmax) over sparse TF-IDF vectors, trained with plain SGD,
 * L2 weight decay (by the scale trick, so a step costs O(non-zeros × classes)), a decaying
 * learning rate, and updates restricted to the classes with a non-negligible gradient.
 * Deterministic: the shuffle uses a seeded generator.
 */
import { runToEnd, type SlicedWork } from './sliced-work.ts';
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

/** Rows of weights rescaled between two yields. */
const RESCALE_ROWS = 256;

/** Multiplies every weight by `scale`, yielding every {@link RESCALE_ROWS} feature rows. */
function* rescale(weights: Float32Array, scale: number, classCount: number): SlicedWork<void> {
  const chunk = RESCALE_ROWS * classCount;
  for (let start = 0; start < weights.length; start += chunk) {
    const end = Math.min(weights.length, start + chunk);
    for (let w = start; w < end; w++) weights[w]! *= scale;
    yield;
  }
}

/** Trains the model; `labels[i]` is the class id (0 … classCount-1) of `vectors[i]`. */
export function trainSoftmaxRegression(
  vectors: readonly SparseVector[],
  labels: readonly number[],
  classCount: number,
  featureCount: number,
  options: SoftmaxTrainingOptions = {},
): SoftmaxModel {
  return runToEnd(trainSoftmaxRegressionSteps(vectors, labels, classCount, featureCount, options));
}

/** The model being trained: `weights[f * classCount + c]`, true weight = `scale` × stored weight. */
interface SgdState {
  readonly classCount: number;
  readonly weights: Float32Array;
  readonly bias: Float64Array;
  scale: number;
  readonly l2: number;
  readonly skipBelow: number;
  /** Scratch: logits, then the gradient. */
  readonly logits: Float64Array;
  /** Scratch: the classes updated in a step. */
  readonly activeClasses: Int32Array;
}

function computeLogits(state: SgdState, vector: SparseVector, out: Float64Array, factor: number): void {
  const { classCount, weights } = state;
  out.set(state.bias);
  for (let k = 0; k < vector.indices.length; k++) {
    const row = vector.indices[k]! * classCount;
    const x = vector.values[k]! * factor;
    for (let c = 0; c < classCount; c++) out[c]! += weights[row + c]! * x;
  }
}

/** One SGD step on `vector` of class `label` at learning rate `rate` (a plain function: V8 optimises it better than a generator's body). */
function sgdStep(state: SgdState, vector: SparseVector, label: number, rate: number): void {
  const { classCount, weights, bias, logits, activeClasses, skipBelow } = state;
  computeLogits(state, vector, logits, state.scale);
  softmaxInPlace(logits);
  logits[label]! -= 1; // now the gradient of the loss w.r.t. the logits
  state.scale *= 1 - rate * state.l2;
  const stepSize = rate / state.scale;
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
}

/** {@link trainSoftmaxRegression} as sliced work: yields after each SGD step and every few hundred weight rows rescaled. */
export function* trainSoftmaxRegressionSteps(
  vectors: readonly SparseVector[],
  labels: readonly number[],
  classCount: number,
  featureCount: number,
  options: SoftmaxTrainingOptions = {},
): SlicedWork<SoftmaxModel> {
  const epochs = options.epochs ?? 6;
  const learningRate = options.learningRate ?? 3;
  const random = createRandom(options.seed ?? 1);
  const state: SgdState = {
    classCount,
    weights: new Float32Array(featureCount * classCount),
    bias: new Float64Array(classCount),
    scale: 1,
    l2: options.l2 ?? 1e-5,
    skipBelow: options.skipBelow ?? 0.01,
    logits: new Float64Array(classCount),
    activeClasses: new Int32Array(classCount),
  };
  const order = Array.from(vectors.keys());
  const totalSteps = epochs * vectors.length;
  let step = 0;

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const index of order) {
      sgdStep(state, vectors[index]!, labels[index]!, learningRate / (1 + (4 * step++) / totalSteps));
      if (state.scale < 1e-6) {
        yield* rescale(state.weights, state.scale, classCount);
        state.scale = 1;
      }
      yield;
    }
  }
  yield* rescale(state.weights, state.scale, classCount);
  state.scale = 1;

  return {
    classCount,
    probabilities(vector: SparseVector): Float64Array {
      const out = new Float64Array(classCount);
      computeLogits(state, vector, out, 1);
      return softmaxInPlace(out);
    },
  };
}
