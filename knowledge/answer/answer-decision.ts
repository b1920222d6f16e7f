/**
 * What to do with the retrieved hits for a customer's message: answer with the best entry, ask
 * back which of the top questions was meant, or pass (to the fallback). The decision rests on a
 * confidence calibrated as the probability that the best hit answers the message (`answerEvidence`
 * mapped through a logistic fitted on the tuning half of `knowledge/demo/milk-tea-golden.tsv`).
 */
import type { RetrievalHit } from '../types.ts';
import { answerEvidence, type EvidenceOptions } from './answer-evidence.ts';

/** Answer directly, ask back which question was meant, or pass to the next stage. */
export type AnswerOutcome = 'answer' | 'clarify' | 'none';

/** The decision for one message. */
export interface AnswerDecision {
  outcome: AnswerOutcome;
  /** Estimated probability (0..1) that `best` answers the message; 0 when nothing informative matched. */
  confidence: number;
  /** The best hit (`answer` and `clarify`). */
  best?: RetrievalHit;
  /** The hits to offer, best first, with distinct questions (`clarify` only). */
  choices?: RetrievalHit[];
}

/** Logistic map from evidence to probability: `1 / (1 + e^-(intercept + slope × evidence))`. */
export interface Calibration {
  intercept: number;
  slope: number;
}

export interface AnswerDecisionOptions extends EvidenceOptions {
  /**
   * Answer directly at or above this confidence; default 0.95: a wrong answer is the worst outcome,
   * so the bot answers only when it expects to be wrong less than one time in twenty.
   */
  answerThreshold?: number;
  /** Ask back at or above this confidence (and below `answerThreshold`); default 0.25. */
  clarifyThreshold?: number;
  /** Questions offered when asking back; default 3. */
  maxChoices?: number;
  /** Default: fitted on the demo golden set's tuning half (see `knowledge/README.md`). */
  calibration?: Calibration;
}

/**
 * P(best hit is right) as a logistic of the evidence, fitted on the tuning half (odd data rows) of
 * `knowledge/demo/milk-tea-golden.tsv` by `bench/knowledge/answer-calibration.ts`.
 */
export const defaultCalibration: Calibration = { intercept: -1.21, slope: 9.56 };

/** Decide between answering, asking back and passing, for hits ordered best first. */
export function decideAnswer(query: string, hits: readonly RetrievalHit[], options: AnswerDecisionOptions = {}): AnswerDecision {
  const answerThreshold = options.answerThreshold ?? 0.95;
  const clarifyThreshold = options.clarifyThreshold ?? 0.25;
  const best = hits[0];
  if (!best) return { outcome: 'none', confidence: 0 };
  const { evidence } = answerEvidence(query, hits, options);
  const confidence = calibrate(evidence, options.calibration ?? defaultCalibration);
  if (confidence >= answerThreshold) return { outcome: 'answer', confidence, best };
  if (confidence >= clarifyThreshold) return { outcome: 'clarify', confidence, best, choices: distinctChoices(hits, options.maxChoices ?? 3) };
  return { outcome: 'none', confidence };
}

/** The title a customer sees for an entry: its question, else its source, else its id. */
export function titleOf(hit: RetrievalHit): string {
  return hit.entry.question || hit.entry.sourceName || hit.entry.id;
}

function calibrate(evidence: number, { intercept, slope }: Calibration): number {
  // No informative word in common is no evidence at all, whatever the intercept says.
  if (evidence <= 0) return 0;
  return 1 / (1 + Math.exp(-(intercept + slope * evidence)));
}

function distinctChoices(hits: readonly RetrievalHit[], maxChoices: number): RetrievalHit[] {
  const seen = new Set<string>();
  const choices: RetrievalHit[] = [];
  for (const hit of hits) {
    const title = titleOf(hit);
    if (seen.has(title)) continue;
    seen.add(title);
    choices.push(hit);
    if (choices.length === maxChoices) break;
  }
  return choices;
}
