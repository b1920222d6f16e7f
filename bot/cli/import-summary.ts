/**
 * What `kefu import` prints after the bar: the version it published, then what that version
 * changed against what the import replaced — counts, and the first changed and removed entries by
 * question, so an operator sees at a glance whether a re-import touched what they expected.
 */
import type { ImportResult } from '../../knowledge/import/import-knowledge-files.ts';
import type { DiffedEntry, ImportBasis } from '../../knowledge/knowledge-import.ts';

/** How many changed and removed entries are named before "… and N more". */
export const namedEntriesLimit = 10;
const questionLimit = 60;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The line `kefu import` has always ended with: the published version and its contents. */
export function publishedLine(name: string, result: ImportResult): string {
  return (
    `published version ${result.number} of "${name}": ${result.entries} entries (${result.faqs} FAQ, ${result.chunks} chunks)` +
    `, ${plural(result.problems.length, 'problem')}`
  );
}

function againstWhat(basis: ImportBasis): string {
  if (!basis) return 'against nothing published before';
  if (basis.status === 'published') return `against published version ${basis.number}`;
  return `against the open draft, version ${basis.number} (replaced by the files, its other edits gone)`;
}

function describeEntry(entry: DiffedEntry): string {
  const question = [...entry.question];
  if (question.length === 0) return `[${entry.key}]`;
  const shown = question.length > questionLimit ? `${question.slice(0, questionLimit - 1).join('')}…` : entry.question;
  return `${shown} [${entry.key}]`;
}

/**
 * The diff lines: `against published version 3: 1 added, 2 changed, 1 removed, 27 unchanged`, then
 * up to `limit` changed and removed entries (changed first), then `… and N more`.
 */
export function diffLines(result: Pick<ImportResult, 'diff' | 'diffDetail' | 'basis'>, limit = namedEntriesLimit): string[] {
  const { added, changed, removed, unchanged } = result.diff;
  const lines = [`${againstWhat(result.basis)}: ${added} added, ${changed} changed, ${removed} removed, ${unchanged} unchanged`];
  const named = [
    ...result.diffDetail.changed.map((entry) => `  changed  ${describeEntry(entry)}`),
    ...result.diffDetail.removed.map((entry) => `  removed  ${describeEntry(entry)}`),
  ];
  lines.push(...named.slice(0, limit));
  if (named.length > limit) lines.push(`  … and ${named.length - limit} more`);
  return lines;
}
