/**
 * What an import changed, as operators are shown it — by `kefu import` (as lines) and by the
 * import API (as its `diff`): the counts, what they were taken against, and the first changed and
 * removed entries by key and question, so an operator sees at a glance whether a re-import touched
 * what they expected without a list of thousands of rows.
 */
import type { DiffedEntry, ImportBasis, ImportDiff, ImportResult } from './knowledge-import.ts';

/** How many changed and removed entries are named; the others are counted in `more`. */
export const namedEntriesLimit = 10;

/** A changed or removed entry the summary names. */
export interface NamedChange extends DiffedEntry {
  change: 'changed' | 'removed';
}

/** The counts of an import's diff, what it was taken against, and the entries it names. */
export interface ImportDiffSummary extends ImportDiff {
  /** The open draft the import replaced, or the published version; null when there was neither. */
  against: ImportBasis;
  /** Changed entries (file order), then removed ones (stored order), up to the limit. */
  named: NamedChange[];
  /** Changed and removed entries beyond `named`. */
  more: number;
}

/** Summarise an import's diff, naming up to `limit` changed and removed entries (changed first). */
export function summarizeImportDiff(result: Pick<ImportResult, 'diff' | 'diffDetail' | 'basis'>, limit = namedEntriesLimit): ImportDiffSummary {
  const changes: NamedChange[] = [
    ...result.diffDetail.changed.map((entry) => ({ change: 'changed' as const, key: entry.key, question: entry.question })),
    ...result.diffDetail.removed.map((entry) => ({ change: 'removed' as const, key: entry.key, question: entry.question })),
  ];
  return { ...result.diff, against: result.basis, named: changes.slice(0, limit), more: Math.max(0, changes.length - limit) };
}
