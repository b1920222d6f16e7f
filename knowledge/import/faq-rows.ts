/**
 * The part of FAQ-table reading that does not depend on the file format: finding columns by their
 * header names (English or Chinese), and turning rows into entries or into problem reports. TSV,
 * CSV, JSON (`faq-table.ts`) and XLSX (`xlsx-faq-table.ts`) all go through here, so a row is
 * judged the same way whatever it was typed into.
 */
import { KefuError } from '../../bot/errors.ts';
import type { KnowledgeEntry } from '../types.ts';

/** A row that was skipped: its line (spreadsheet row, JSON item number) and why. */
export interface FaqTableProblem {
  line: number;
  reason: string;
}

/** An entry with the line (or JSON item number, or spreadsheet row) it was read from. */
export interface FaqTableEntry extends KnowledgeEntry {
  line: number;
}

/** The table cannot be read at all (no recognisable header, invalid JSON). */
export class FaqTableError extends KefuError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_faq_table', message, options);
  }
}

/** The columns an FAQ table may have. */
export type FaqColumn = 'id' | 'question' | 'similar' | 'answer' | 'category';

/** One row before validation: its cell values by column, or why it cannot be read. */
export interface FaqRow {
  line: number;
  values: Partial<Record<FaqColumn, string>>;
  problem?: string;
}

/** One record of a table: the cells of a line (or spreadsheet row) in header order. */
export interface FaqCellRecord {
  line: number;
  cells: string[];
}

/** Header names per column, compared after lower-casing, trimming and spaces → `_`. */
const columnNames: Record<FaqColumn, readonly string[]> = {
  id: ['id', 'kb_id', 'faq_id', 'entry_id', 'key', '编号', '序号', 'id号'],
  question: ['question', 'title', 'standard_question', '问题', '标准问题', '标准问', '问法'],
  similar: ['similar', 'similar_questions', 'variants', 'aliases', '相似问题', '相似问', '相似问法', '扩展问'],
  answer: ['answer', 'reply', 'response', '答案', '回答', '回复', '答复'],
  category: ['category', 'group', 'topic', '分类', '类别', '类目'],
};

/** The column a header cell names, if any. */
export function columnOf(header: string): FaqColumn | undefined {
  const name = header.trim().toLowerCase().replace(/\s+/g, '_');
  return (Object.keys(columnNames) as FaqColumn[]).find((column) => columnNames[column].includes(name));
}

/** Question variants in one cell: separated by `|` (or full-width `｜`, or newlines). */
export function splitVariants(cell: string): string[] {
  return cell
    .split(/[|｜\n]/)
    .map((variant) => variant.trim())
    .filter(Boolean);
}

/**
 * Rows of a table whose first record is the header. Throws `FaqTableError` when the header names
 * no answer column. `strayCellHint` explains a row with more cells than the header.
 */
export function rowsFromRecords(records: FaqCellRecord[], strayCellHint: string): FaqRow[] {
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
      return { line, values: {}, problem: `${cells.length} cells but the header has ${columns.length} (${strayCellHint})` };
    }
    const values: Partial<Record<FaqColumn, string>> = {};
    columns.forEach((column, index) => {
      if (column) values[column] = (cells[index] ?? '').trim();
    });
    return { line, values };
  });
}

/**
 * Validate rows into entries: a row without id (when the table has an id column) or answer, or
 * with an id seen before, is skipped and reported. Without an id column rows are numbered from 1.
 */
export function entriesFromRows(rows: FaqRow[], sourceName?: string): { entries: FaqTableEntry[]; problems: FaqTableProblem[] } {
  const entries: FaqTableEntry[] = [];
  const problems: FaqTableProblem[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const { line, values, problem } of rows) {
    if (problem) {
      problems.push({ line, reason: problem });
      continue;
    }
    const id = values.id ?? String(entries.length + problems.length + 1);
    const answer = values.answer ?? '';
    const reason =
      id === ''
        ? 'missing id'
        : answer === ''
          ? 'missing answer'
          : firstLineOfId.has(id)
            ? `duplicate id "${id}" (first on line ${firstLineOfId.get(id)})`
            : undefined;
    if (reason) {
      problems.push({ line, reason });
      continue;
    }
    firstLineOfId.set(id, line);
    entries.push({
      id,
      kind: 'faq',
      question: values.question ?? '',
      variants: splitVariants(values.similar ?? ''),
      answer,
      ...(values.category ? { category: values.category } : {}),
      ...(sourceName ? { sourceName } : {}),
      line,
    });
  }
  return { entries, problems };
}
