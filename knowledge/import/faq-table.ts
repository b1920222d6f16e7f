/**
 * Parses an FAQ table — TSV, CSV or a JSON array — into knowledge entries. Columns are found by
 * their header (English or Chinese names, any order, extra columns ignored); bad rows are reported
 * with their line and reason and skipped, never thrown, so one typo does not block an import.
 * Row validation is shared with XLSX tables (`faq-rows.ts`).
 */
import { parseDelimited } from './delimited.ts';
import {
  columnOf,
  entriesFromRows,
  FaqTableError,
  rowsFromRecords,
  type FaqColumn,
  type FaqRow,
  type FaqTableEntry,
  type FaqTableProblem,
} from './faq-rows.ts';

export { FaqTableError, splitVariants, type FaqTableEntry, type FaqTableProblem } from './faq-rows.ts';

export type FaqTableFormat = 'tsv' | 'csv' | 'json';

export interface FaqTable {
  format: FaqTableFormat;
  entries: FaqTableEntry[];
  problems: FaqTableProblem[];
}

export interface ParseFaqTableOptions {
  /** Default: from `sourceName`'s extension, else sniffed from the content. */
  format?: FaqTableFormat;
  /** File or table name, stored on every entry and used to guess the format. */
  sourceName?: string;
}

/** Parse an FAQ table; throws `FaqTableError` only when the whole table is unreadable. */
export function parseFaqTable(text: string, options: ParseFaqTableOptions = {}): FaqTable {
  const format = options.format ?? guessFormat(text, options.sourceName);
  const rows = format === 'json' ? jsonRows(text) : rowsFromRecords(parseDelimited(text, format), 'a stray tab or comma?');
  return { format, ...entriesFromRows(rows, options.sourceName) };
}

function guessFormat(text: string, sourceName?: string): FaqTableFormat {
  const extension = sourceName?.toLowerCase().match(/\.(tsv|tab|txt|csv|json)$/)?.[1];
  if (extension === 'csv' || extension === 'json') return extension;
  if (extension === 'tsv' || extension === 'tab') return 'tsv';
  const start = text.replace(/^\ufeff/, '').trimStart();
  if (start.startsWith('[')) return 'json';
  const firstLine = start.split(/\r?\n/, 1)[0] ?? '';
  return firstLine.includes('\t') || !firstLine.includes(',') ? 'tsv' : 'csv';
}

function jsonRows(text: string): FaqRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (error) {
    throw new FaqTableError('the FAQ table is not valid JSON', { cause: error });
  }
  if (!Array.isArray(parsed)) throw new FaqTableError('a JSON FAQ table must be an array of objects');
  return parsed.map((item: unknown, index): FaqRow => {
    const line = index + 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return { line, values: {}, problem: 'not an object' };
    const values: Partial<Record<FaqColumn, string>> = {};
    for (const [key, value] of Object.entries(item)) {
      const column = columnOf(key);
      if (!column) continue;
      if (Array.isArray(value)) values[column] = value.map(String).join('|');
      else if (typeof value === 'string' || typeof value === 'number') values[column] = String(value).trim();
      else if (value !== null && value !== undefined) return { line, values: {}, problem: `"${key}" is not text` };
    }
    return { line, values };
  });
}
