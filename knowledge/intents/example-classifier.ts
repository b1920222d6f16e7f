/**
 * An intent classifier trained from example utterances, with no LLM: TF-IDF features
 * (`tfidf-vectorizer.ts`) into a softmax regression (`softmax-regression.ts`), plus an
 * out-of-scope decision. See README.md for the measurements behind the defaults.
 */
import { fitTfidfVectorizerSteps, type SparseVector, type TfidfOptions, type TfidfVectorizer } from './tfidf-vectorizer.ts';
import { trainSoftmaxRegressionSteps, type SoftmaxModel, type SoftmaxTrainingOptions } from './softmax-regression.ts';
import { runToEnd, type SlicedWork } from './sliced-work.ts';
import { OUT_OF_SCOPE, type IntentDetector, type IntentPrediction, type LabelledUtterance } from './types.ts';
import { KefuError } from '../../bot/errors.ts';
import { chooseRejectThreshold, type ScoredExample } from './reject-threshold.ts';

/** Options of {@link trainExampleClassifier}. */
export interface ExampleClassifierOptions {
  /**
   * Reject (answer `oos`) when the best in-scope probability is below this. Default: calibrated on
   * a held-out quarter of the training rows when they include at least
   * {@link MIN_OOS_FOR_CALIBRATION} `oos` rows, else {@link DEFAULT_REJECT_THRESHOLD}.
   */
  threshold?: number;
  vectorizer?: TfidfOptions;
  training?: SoftmaxTrainingOptions;
}

/** A trained classifier. `classify` is synchronous; `detect` makes it an {@link IntentDetector}. */
export interface ExampleClassifier extends IntentDetector {
  /** The in-scope intents it knows, in class order. */
  readonly intents: readonly string[];
  /** The reject threshold in force (given or calibrated). */
  readonly threshold: number;
  classify(text: string): IntentPrediction;
  /**
   * The score the threshold is compared with: the best in-scope probability, or -1 when the
   * utterance is rejected whatever the threshold (the `oos` class wins, or no feature is known).
   */
  rejectScore(text: string): number;
  /** The same trained model with another reject threshold (e.g. one tuned on a validation set). */
  withThreshold(threshold: number): ExampleClassifier;
}

/**
 * Reject threshold used when there are no `oos` examples to calibrate on. Measured on the
 * SMP2019 and Banking77 tuning splits, 0.05 rejects no correct prediction there, while still
 * rejecting utterances that the model spreads evenly over many intents.
 */
export const DEFAULT_REJECT_THRESHOLD = 0.05;
/** Fewest `oos` training rows that make a calibrated threshold worth its noise. */
export const MIN_OOS_FOR_CALIBRATION = 8;
/** Default model settings, chosen on tuning splits of the training data (README.md). */
export const DEFAULT_TRAINING: SoftmaxTrainingOptions = { epochs: 6, learningRate: 3, l2: 1e-5 };
const ALTERNATIVES = 3;

interface TrainedParts {
  vectorizer: TfidfVectorizer;
  model: SoftmaxModel;
  /** Class id → label; may contain `oos`. */
  labels: string[];
  outOfScopeClass: number;
}

function* trainParts(rows: readonly LabelledUtterance[], options: ExampleClassifierOptions): SlicedWork<TrainedParts> {
  const vectorizer = yield* fitTfidfVectorizerSteps(
    rows.map((row) => row.text),
    options.vectorizer,
  );
  const labels = [...new Set(rows.map((row) => row.label))];
  const classOf = new Map(labels.map((label, index) => [label, index]));
  const vectors: SparseVector[] = [];
  for (const row of rows) {
    vectors.push(vectorizer.transform(row.text));
    yield;
  }
  const model = yield* trainSoftmaxRegressionSteps(
    vectors,
    rows.map((row) => classOf.get(row.label)!),
    labels.length,
    vectorizer.size,
    { ...DEFAULT_TRAINING, ...options.training },
  );
  return { vectorizer, model, labels, outOfScopeClass: classOf.get(OUT_OF_SCOPE) ?? -1 };
}

interface Scores {
  vector: SparseVector;
  ranked: { intent: string; confidence: number }[];
  outOfScopeProbability: number;
}

function score(parts: TrainedParts, text: string): Scores {
  const vector = parts.vectorizer.transform(text);
  const probabilities = parts.model.probabilities(vector);
  const ranked: { intent: string; confidence: number }[] = [];
  probabilities.forEach((probability, index) => {
    if (index !== parts.outOfScopeClass) ranked.push({ intent: parts.labels[index]!, confidence: probability });
  });
  ranked.sort((a, b) => b.confidence - a.confidence);
  const outOfScopeProbability = parts.outOfScopeClass >= 0 ? probabilities[parts.outOfScopeClass]! : 0;
  return { vector, ranked, outOfScopeProbability };
}

function decide(scores: Scores, threshold: number): IntentPrediction {
  const best = scores.ranked[0];
  const alternatives = scores.ranked.slice(1, 1 + ALTERNATIVES);
  // Nothing of the utterance is known (gibberish, another script): no evidence for any intent.
  const unknown = scores.vector.indices.length === 0;
  if (!best || rejectScoreOf(scores) < threshold) {
    const confidence = unknown ? 1 : Math.max(scores.outOfScopeProbability, 1 - (best?.confidence ?? 0));
    return { intent: OUT_OF_SCOPE, confidence, source: 'classifier', alternatives: scores.ranked.slice(0, ALTERNATIVES) };
  }
  return { intent: best.intent, confidence: best.confidence, source: 'classifier', alternatives };
}

/** Every fourth row of each label (in order) is held out: deterministic and stratified. */
function holdOut(rows: readonly LabelledUtterance[]): [LabelledUtterance[], LabelledUtterance[]] {
  const seen = new Map<string, number>();
  const fit: LabelledUtterance[] = [];
  const held: LabelledUtterance[] = [];
  for (const row of rows) {
    const index = seen.get(row.label) ?? 0;
    seen.set(row.label, index + 1);
    (index % 4 === 3 ? held : fit).push(row);
  }
  return [fit, held];
}

function* calibrateThreshold(rows: readonly LabelledUtterance[], options: ExampleClassifierOptions): SlicedWork<number> {
  const [fit, held] = holdOut(rows);
  const parts = yield* trainParts(fit, options);
  const scored: ScoredExample[] = [];
  for (const row of held) {
    const scores = score(parts, row.text);
    scored.push({
      outOfScope: row.label === OUT_OF_SCOPE,
      correct: scores.ranked[0]?.intent === row.label,
      score: rejectScoreOf(scores),
    });
    yield;
  }
  return chooseRejectThreshold(scored);
}

/** An utterance is rejected at threshold t exactly when this is below t. */
function rejectScoreOf(scores: Scores): number {
  const best = scores.ranked[0];
  if (!best || scores.vector.indices.length === 0 || scores.outOfScopeProbability > best.confidence) return -1;
  return best.confidence;
}

function buildClassifier(parts: TrainedParts, threshold: number): ExampleClassifier {
  const classify = (text: string): IntentPrediction => decide(score(parts, text), threshold);
  return {
    intents: parts.labels.filter((label) => label !== OUT_OF_SCOPE),
    threshold,
    classify,
    detect: async (text) => classify(text),
    rejectScore: (text) => rejectScoreOf(score(parts, text)),
    withThreshold: (other) => buildClassifier(parts, other),
  };
}

/**
 * Trains a classifier from labelled utterances. Rows labelled `oos` become a class of their own
 * (what to reject) and, when there are enough of them, calibrate the reject threshold.
 * Throws when there is no in-scope row.
 */
export function trainExampleClassifier(
  rows: readonly LabelledUtterance[],
  options: ExampleClassifierOptions = {},
): ExampleClassifier {
  return runToEnd(trainExampleClassifierSteps(rows, options));
}

/** {@link trainExampleClassifier} as sliced work: yields after each utterance and each SGD step. */
export function* trainExampleClassifierSteps(
  rows: readonly LabelledUtterance[],
  options: ExampleClassifierOptions = {},
): SlicedWork<ExampleClassifier> {
  const inScope = rows.filter((row) => row.label !== OUT_OF_SCOPE);
  if (inScope.length === 0) throw new KefuError('no_intent_examples', 'intent classifier needs at least one in-scope example');
  const outOfScopeCount = rows.length - inScope.length;
  const threshold =
    options.threshold ??
    (outOfScopeCount >= MIN_OOS_FOR_CALIBRATION ? yield* calibrateThreshold(rows, options) : DEFAULT_REJECT_THRESHOLD);
  return buildClassifier(yield* trainParts(rows, options), threshold);
}
