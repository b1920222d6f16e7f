/**
 * What to do with the retrieved hits for a customer's message: answer with the best entry, ask
 * back which of the top questions was meant, or pass (to the fallback). The decision rests on a
 * confidence calibrated as the probability that the best hit answers the message (`answerEvidence`
 * mapped through a logistic fitted on the tuning half of `knowledge/demo/milk-tea-golden.tsv`).
 *
 * With dense retrieval, hits also carry a cosine `similarity`; a high similarity can lift a weak
 * lexical decision (never overrule a confident one): see `DenseSupport`. Hits without similarities
 * are decided exactly as before.
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
  /** Present when dense similarity, not lexical evidence, carried the outcome. */
  support?: 'dense';
}

/**
 * How dense similarity supports a decision that lexical evidence leaves weak. Among the first
 * `maxChoices` hits that carry a similarity, take the most similar one:
 * - **answer** with it when its similarity is ≥ `answerSimilarity`, it leads the next most similar
 *   hit by ≥ `margin`, and lexical evidence did not point elsewhere (the lexical outcome is `none`,
 *   or its best hit is this one); the confidence reported is then the answer threshold (the rule
 *   is not calibrated, so it claims no more than the bar it cleared) unless the lexical one is higher;
 * - else **clarify** (the hits as choices) when the lexical outcome is `none` and its similarity is
 *   ≥ `clarifySimilarity`, with at least the clarify threshold as confidence.
 * Cosine ranges differ between models: the defaults are deliberately high (safe for models whose
 * paraphrases score ~0.8–0.95, e.g. bge-m3) and should be refitted on a workspace's golden set.
 */
export interface DenseSupport {
  /** Default 0.9. */
  answerSimilarity?: number;
  /** Default 0.8. */
  clarifySimilarity?: number;
  /** Default 0.05. */
  margin?: number;
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
  /** Dense-similarity support (used only when hits carry `similarity`); `false` turns it off. */
  dense?: DenseSupport | false;
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
  const lexical: AnswerDecision =
    confidence >= answerThreshold
      ? { outcome: 'answer', confidence, best }
      : confidence >= clarifyThreshold
        ? { outcome: 'clarify', confidence, best, choices: distinctChoices(hits, options.maxChoices ?? 3) }
        : { outcome: 'none', confidence };
  if (lexical.outcome === 'answer' || options.dense === false) return lexical;
  return withDenseSupport(lexical, hits, { ...options, answerThreshold, clarifyThreshold }) ?? lexical;
}

/** The decision dense similarity supports when it is stronger than `lexical`; undefined otherwise. */
function withDenseSupport(
  lexical: AnswerDecision,
  hits: readonly RetrievalHit[],
  options: AnswerDecisionOptions & { answerThreshold: number; clarifyThreshold: number },
): AnswerDecision | undefined {
  const dense = options.dense || {};
  const maxChoices = options.maxChoices ?? 3;
  const similar = hits
    .slice(0, maxChoices)
    .filter((hit): hit is RetrievalHit & { similarity: number } => hit.similarity !== undefined)
    .sort((a, b) => b.similarity - a.similarity);
  const [candidate, runnerUp] = similar;
  if (!candidate) return undefined;
  const lead = candidate.similarity - (runnerUp?.similarity ?? -1);
  const agrees = lexical.outcome === 'none' || lexical.best === candidate;
  if (candidate.similarity >= (dense.answerSimilarity ?? 0.9) && lead >= (dense.margin ?? 0.05) && agrees) {
    return { outcome: 'answer', confidence: Math.max(lexical.confidence, options.answerThreshold), best: candidate, support: 'dense' };
  }
  if (lexical.outcome === 'none' && candidate.similarity >= (dense.clarifySimilarity ?? 0.8)) {
    const choices = distinctChoices([candidate, ...hits.filter((hit) => hit !== candidate)], maxChoices);
    return { outcome: 'clarify', confidence: Math.max(lexical.confidence, options.clarifyThreshold), best: candidate, choices, support: 'dense' };
  }
  return undefined;
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
