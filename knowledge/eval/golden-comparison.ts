/**
 * What changes between two runs of the same golden queries, question by question: a regression is
 * a query the first run answered at rank 1 and the second misses; a fix is the reverse. Queries are
 * matched by position, so a golden set that repeats a query is compared row by row.
 */
import type { GoldenMiss, GoldenRunResult } from './golden-run.ts';

/** The questions whose hit@1 differs between two runs. */
export interface GoldenComparison {
  /** Hit before, missed after: each is the second run's miss (what it retrieves instead). */
  regressions: GoldenMiss[];
  /** Missed before, hit after: each is the first run's miss (what was retrieved until now). */
  fixes: GoldenMiss[];
}

type ComparedRun = Pick<GoldenRunResult, 'misses' | 'hitAt1ByQuery'>;

/** Each query's miss (undefined for a hit), in query order. */
function missesByQuery(run: ComparedRun): Array<GoldenMiss | undefined> {
  // `misses` holds one miss per query that was not hit, in query order.
  let next = 0;
  return run.hitAt1ByQuery.map((hit) => (hit ? undefined : run.misses[next++]));
}

/** Compare `after` with `before`; both must be runs of the same queries in the same order. */
export function compareGoldenRuns(before: ComparedRun, after: ComparedRun): GoldenComparison {
  if (before.hitAt1ByQuery.length !== after.hitAt1ByQuery.length) {
    throw new RangeError(`golden runs of ${before.hitAt1ByQuery.length} and ${after.hitAt1ByQuery.length} queries cannot be compared`);
  }
  const missedBefore = missesByQuery(before);
  const missedAfter = missesByQuery(after);
  const comparison: GoldenComparison = { regressions: [], fixes: [] };
  missedBefore.forEach((beforeMiss, index) => {
    const afterMiss = missedAfter[index];
    if (!beforeMiss && afterMiss) comparison.regressions.push(afterMiss);
    if (beforeMiss && !afterMiss) comparison.fixes.push(beforeMiss);
  });
  return comparison;
}
