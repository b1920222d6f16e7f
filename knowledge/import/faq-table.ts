/**
 * Parses an FAQ table — TSV, CSV or a JSON array — into knowledge entries. Columns are found by
 * their header (English or Chinese names, any order, extra columns ignored); bad rows are reported
 * with their line and reason and skipped, never thrown, so one typo does not block an import.
 */
import { KefuError } from '../../bot/errors.ts';
import type { KnowledgeEntry } from '../types.ts';
import { parseDelimited, type DelimitedRecord } from './delimited.ts';

export type FaqTableFormat = 'tsv' | 'csv' | 'json';

/** A row that was skipped: its line (for JSON, the 1-based item number) and why. */
export interface FaqTableProblem {
  line: number;
  reason: string;
}

/** An entry with the line (or JSON item number) it was read from. */
export interface FaqTableEntry extends KnowledgeEntry {
  line: number;
}

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

/** The table cannot be read at all (no recognisable header, invalid JSON). */
export class FaqTableError extends KefuError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_faq_table', message, options);
  }
}

type Column = 'id' | 'question' | 'similar' | 'answer' | 'category';

/** Header names per column, compared after lower-casing and trimming. */
const columnNames: Record<Column, readonly string[]> = {
  id: ['id', 'kb_id', 'faq_id', 'entry_id', 'key', '编号', '序号', 'id号'],
  question: ['question', 'title', 'standard_question', '问题', '标准问题', '标准问', '问法'],
  similar: ['similar', 'similar_questions', 'variants', 'aliases', '相似问题', '相似问', '相似问法', '扩展问'],
  answer: ['answer', 'reply', 'response', '答案', '回答', '回复', '答复'],
  category: ['category', 'group', 'topic', '分类', '类别', '类目'],
};

/** Question variants in one cell: separated by `|` (or full-width `｜`, or newlines). */
export function splitVariants(cell: string): string[] {
  return cell
    .split(/[|｜\n]/)
    .map((variant) => variant.trim())
    .filter(Boolean);
}

/** Parse an FAQ table; throws `FaqTableError` only when the whole table is unreadable. */
export function parseFaqTable(text: string, options: ParseFaqTableOptions = {}): FaqTable {
  const format = options.format ?? guessFormat(text, options.sourceName);
  const rows = format === 'json' ? jsonRows(text) : delimitedRows(parseDelimited(text, format));
  const entries: FaqTableEntry[] = [];
  const problems: FaqTableProblem[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const { line, values, problem } of rows) {
    if (problem) {
      problems.push({ line, reason: problem });
      continue;
    }
    const id = values.id ?? String(entries.length + problems.length + 1);
    const question = values.question ?? '';
    const variants = splitVariants(values.similar ?? '');
    const answer = values.answer ?? '';
    const reason =
      id === '' ? 'missing id' : answer === '' ? 'missing answer' : firstLineOfId.has(id) ? `duplicate id "${id}" (first on line ${firstLineOfId.get(id)})` : undefined;
    if (reason) {
      problems.push({ line, reason });
      continue;
    }
    firstLineOfId.set(id, line);
    entries.push({
      id,
      kind: 'faq',
      question,
      variants,
      answer,
      ...(values.category ? { category: values.category } : {}),
      ...(options.sourceName ? { sourceName: options.sourceName } : {}),
      line,
    });
  }
  return { format, entries, problems };
}

interface Row {
  line: number;
  values: Partial<Record<Column, string>>;
  problem?: string;
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

function columnOf(header: string): Column | undefined {
  const name = header.trim().toLowerCase().replace(/\s+/g, '_');
  return (Object.keys(columnNames) as Column[]).find((column) => columnNames[column].includes(name));
}

function delimitedRows(records: DelimitedRecord[]): Row[] {
  const [header, ...body] = records;
  if (!header) return [];
  const columns = header.cells.map(columnOf);
  if (!columns.includes('answer')) {
    throw new FaqTableError(
      `line ${header.line}: no answer column in the header (expected e.g. id, question, similar, answer, category)`,
    );
  }
  return body.map(({ line, cells }) => {
    if (cells.length > columns.length && cells.slice(columns.length).some((cell) => cell.trim() !== '')) {
      return { line, values: {}, problem: `${cells.length} cells but the header has ${columns.length} (a stray tab or comma?)` };
    }
    const values: Partial<Record<Column, string>> = {};
    columns.forEach((column, index) => {
      if (column) values[column] = (cells[index] ?? '').trim();
    });
    return { line, values };
  });
}

function jsonRows(text: string): Row[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (error) {
    throw new FaqTableError('the FAQ table is not valid JSON', { cause: error });
  }
  if (!Array.isArray(parsed)) throw new FaqTableError('a JSON FAQ table must be an array of objects');
  return parsed.map((item: unknown, index): Row => {
    const line = index + 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return { line, values: {}, problem: 'not an object' };
    const values: Partial<Record<Column, string>> = {};
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
