/**
 * The intent-detection seam: what the pipeline's intent stage (`handlers/`) sees. How an intent is
 * recognised (rules, an example-trained classifier, an LLM) stays inside `knowledge/intents/`.
 */

/** The label of an utterance the bot should not route to any intent (out of scope). */
export const OUT_OF_SCOPE = 'oos';

/** One intent the bot can route to, defined by examples and optional sure-fire rules. */
export interface IntentDefinition {
  /** Stable name used for routing, e.g. `order_status`; must not be `oos`. */
  name: string;
  /** What the intent means, in a sentence; shown to the LLM classifier. */
  description?: string;
  /** Example utterances (Chinese first; other languages welcome). They train the classifier. */
  examples: string[];
  /** Substrings that make the intent certain when present (matched after normalisation). */
  keywords?: string[];
  /** Regular-expression sources that make the intent certain when they match (flags `iu`). */
  patterns?: string[];
}

/** Which stage of detection produced a prediction. */
export type IntentSource = 'rule' | 'classifier' | 'llm';

/** A runner-up intent with its confidence. */
export interface IntentAlternative {
  intent: string;
  confidence: number;
}

/** The result of detecting the intent of one utterance. */
export interface IntentPrediction {
  /** An intent name, or `oos` (see {@link OUT_OF_SCOPE}) when no intent fits. */
  intent: string;
  /**
   * Confidence in `intent`, 0–1. Rules answer 1; the classifier its calibrated probability (for
   * `oos`, the probability that the utterance is out of scope); the LLM its own estimate.
   */
  confidence: number;
  source: IntentSource;
  /** The next most likely intents, best first (classifier and LLM only). */
  alternatives?: IntentAlternative[];
}

/** Anything that can tell the intent of an utterance. */
export interface IntentDetector {
  detect(text: string): Promise<IntentPrediction>;
}

/** A training or test row: an utterance and its intent (`oos` for out-of-scope examples). */
export interface LabelledUtterance {
  text: string;
  label: string;
}
