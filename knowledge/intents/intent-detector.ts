/**
 * The intent detector the pipeline uses: rules → example classifier → optional LLM.
 *
 * 1. Sure-fire rules (keywords, regexes) answer at once with confidence 1.
 * 2. The example classifier answers when it is confident enough (`llmThreshold`).
 * 3. Otherwise, when a model is configured, the LLM classifier decides; if the call fails the
 *    classifier's answer stands (a slow or broken LLM endpoint must not stop the bot).
 */
import type { LanguageModel } from 'ai';
import { ConfigError } from '../../bot/errors.ts';
import { trainExampleClassifierSteps, type ExampleClassifier, type ExampleClassifierOptions } from './example-classifier.ts';
import { createLlmClassifier } from './llm-classifier.ts';
import { createRuleMatcher } from './rule-matcher.ts';
import { runInSlices, runToEnd, type SlicedWork } from './sliced-work.ts';
import { OUT_OF_SCOPE, type IntentDefinition, type IntentDetector, type IntentPrediction } from './types.ts';

/** Options of {@link createIntentDetector}. */
export interface IntentDetectorOptions {
  intents: readonly IntentDefinition[];
  /** Utterances the bot must not route to any intent; they train the `oos` class and calibrate the threshold. */
  outOfScopeExamples?: readonly string[];
  /** LLM for low-confidence cases; without it detection is rules + classifier only. */
  model?: LanguageModel;
  /** Reject threshold of the classifier (see `ExampleClassifierOptions.threshold`). */
  threshold?: number;
  /** Ask the LLM when the classifier's confidence in its answer is below this; default 0.6. */
  llmThreshold?: number;
  /** Model settings of the example classifier. */
  classifier?: Omit<ExampleClassifierOptions, 'threshold'>;
  /** Called when the LLM call fails and the classifier's answer is used instead. */
  onLlmError?: (error: unknown, text: string) => void;
}

/** An {@link IntentDetector} that also exposes its trained classifier (for evaluation and inspection). */
export interface TrainedIntentDetector extends IntentDetector {
  readonly classifier: ExampleClassifier;
}

function validate(intents: readonly IntentDefinition[]): void {
  const seen = new Set<string>();
  for (const intent of intents) {
    if (!intent.name || intent.name === OUT_OF_SCOPE) throw new ConfigError(`intent name "${intent.name}" is reserved or empty`);
    if (seen.has(intent.name)) throw new ConfigError(`intent "${intent.name}" is defined twice`);
    seen.add(intent.name);
  }
  if (!intents.some((intent) => intent.examples.length > 0)) {
    throw new ConfigError('intents: at least one intent needs examples');
  }
}

/**
 * Builds a detector from intent definitions: compiles their rules and trains the example
 * classifier on their examples, synchronously (the starter set trains in tens of milliseconds,
 * 2,000 examples in seconds: use {@link trainIntentDetector} where messages are being answered).
 * Throws {@link ConfigError} for duplicate or reserved names, invalid patterns, or no examples.
 */
export function createIntentDetector(options: IntentDetectorOptions): TrainedIntentDetector {
  return runToEnd(detectorSteps(options));
}

/**
 * {@link createIntentDetector} in slices of about `sliceMs` that hand the event loop back between
 * them (`sliced-work.ts`), so a process keeps answering while it trains. Rejects as
 * `createIntentDetector` throws.
 */
export function trainIntentDetector(options: IntentDetectorOptions, slicing?: { sliceMs?: number }): Promise<TrainedIntentDetector> {
  return runInSlices(detectorSteps(options), slicing);
}

function* detectorSteps(options: IntentDetectorOptions): SlicedWork<TrainedIntentDetector> {
  validate(options.intents);
  const rules = createRuleMatcher(options.intents);
  const rows = [
    ...options.intents.flatMap((intent) => intent.examples.map((text) => ({ text, label: intent.name }))),
    ...(options.outOfScopeExamples ?? []).map((text) => ({ text, label: OUT_OF_SCOPE })),
  ];
  const classifier = yield* trainExampleClassifierSteps(rows, { ...options.classifier, threshold: options.threshold });
  const llm = options.model ? createLlmClassifier({ model: options.model, intents: options.intents }) : undefined;
  const llmThreshold = options.llmThreshold ?? 0.6;

  return {
    classifier,
    async detect(text: string): Promise<IntentPrediction> {
      const ruled = rules.match(text);
      if (ruled) return ruled;
      const predicted = classifier.classify(text);
      if (!llm || predicted.confidence >= llmThreshold) return predicted;
      try {
        const answer = await llm.detect(text);
        // The classifier's ranking stays useful to the router as runners-up.
        const candidates = [{ intent: predicted.intent, confidence: predicted.confidence }, ...(predicted.alternatives ?? [])];
        return { ...answer, alternatives: candidates.filter((candidate) => candidate.intent !== answer.intent) };
      } catch (error) {
        options.onLlmError?.(error, text);
        return predicted;
      }
    },
  };
}
