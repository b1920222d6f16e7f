/**
 * What `kefu import` prints after the bar: the version it published, then what that version
 * changed against what the import replaced, as lines. The summary itself — counts, basis, the
 * entries it names — is `summarizeImportDiff` (`knowledge/import-diff-summary.ts`), which the
 * import API returns as its `diff`; this file only words it for a terminal.
 */
import type { ImportResult } from '../../knowledge/import/import-knowledge-files.ts';
import type { ImportDiffSummary, NamedChange } from '../../knowledge/import-diff-summary.ts';
import type { ImportBasis } from '../../knowledge/knowledge-import.ts';

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

function describeEntry(entry: NamedChange): string {
  const question = [...entry.question];
  if (question.length === 0) return `[${entry.key}]`;
  const shown = question.length > questionLimit ? `${question.slice(0, questionLimit - 1).join('')}…` : entry.question;
  return `${shown} [${entry.key}]`;
}

/**
 * The diff lines: `against published version 3: 1 added, 2 changed, 1 removed, 27 unchanged`, then
 * the named changed and removed entries (changed first), then `… and N more`.
 */
export function diffLines(summary: ImportDiffSummary): string[] {
  const { added, changed, removed, unchanged } = summary;
  const lines = [`${againstWhat(summary.against)}: ${added} added, ${changed} changed, ${removed} removed, ${unchanged} unchanged`];
  lines.push(...summary.named.map((entry) => `  ${entry.change}  ${describeEntry(entry)}`));
  if (summary.more > 0) lines.push(`  … and ${summary.more} more`);
  return lines;
}
