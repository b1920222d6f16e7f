/**
 * Choosing the out-of-scope reject threshold from held-out predictions.
 *
 * The objective is balanced: in-scope accuracy (a rejected in-scope utterance counts as wrong) plus
 * out-of-scope recall. It ignores how many `oos` rows happen to be in the held-out set, so the
 * threshold does not depend on the share of out-of-scope traffic in the training file, which
 * rarely matches production.
 */

/** One held-out prediction. */
export interface ScoredExample {
  /** The gold label is `oos`. */
  outOfScope: boolean;
  /** The best in-scope intent is the gold one (always false for `oos` rows). */
  correct: boolean;
  /** Best in-scope probability; the row is rejected at threshold t when `score < t`. */
  score: number;
}

/** Candidate thresholds: 0.01 steps up to 0.9. */
const GRID = Array.from({ length: 90 }, (_, index) => (index + 1) / 100);

/**
 * The threshold that maximises in-scope accuracy + out-of-scope recall on `examples`; ties go to
 * the lowest threshold (reject less). Returns 0 when there is no `oos` or no in-scope example.
 */
export function chooseRejectThreshold(examples: readonly ScoredExample[]): number {
  const inScope = examples.filter((example) => !example.outOfScope);
  const outOfScope = examples.filter((example) => example.outOfScope);
  if (inScope.length === 0 || outOfScope.length === 0) return 0;
  let bestThreshold = 0;
  let bestObjective = -Infinity;
  for (const threshold of GRID) {
    const accuracy = inScope.filter((example) => example.correct && example.score >= threshold).length / inScope.length;
    const recall = outOfScope.filter((example) => example.score < threshold).length / outOfScope.length;
    if (accuracy + recall > bestObjective + 1e-9) {
      bestObjective = accuracy + recall;
      bestThreshold = threshold;
    }
  }
  return bestThreshold;
}
