/**
 * Reading the intent evaluation files: UTF-8 TSV with a header row naming the columns `text` and
 * `label` (any order; other columns ignored). A malformed file is an error that names the file and
 * the line, so an operator can fix it.
 */
import { readFile } from 'node:fs/promises';
import { KefuError } from '../../../bot/errors.ts';
import type { LabelledUtterance } from '../types.ts';

/** A problem in an evaluation file; `file` and `line` (1-based, 0 when the whole file) locate it. */
export class EvalFileError extends KefuError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, problem: string, options?: { cause?: unknown }) {
    super('bad_eval_file', line > 0 ? `${file}:${line}: ${problem}` : `${file}: ${problem}`, options);
    this.file = file;
    this.line = line;
  }
}

/** Parses TSV text (see module doc); `file` is only used in error messages. */
export function parseLabelledTsv(content: string, file: string): LabelledUtterance[] {
  const lines = content.replace(/^\ufeff/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t').map((name) => name.trim().toLowerCase());
  const textColumn = header.indexOf('text');
  const labelColumn = header.indexOf('label');
  if (textColumn < 0 || labelColumn < 0) {
    throw new EvalFileError(file, 1, `header must name the columns "text" and "label" (found: ${header.join(', ') || 'nothing'})`);
  }
  const rows: LabelledUtterance[] = [];
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    const fields = line.split('\t');
    const lineNumber = index + 1;
    if (fields.length < header.length) {
      throw new EvalFileError(file, lineNumber, `expected ${header.length} tab-separated columns, found ${fields.length}`);
    }
    const text = fields[textColumn]!.trim();
    const label = fields[labelColumn]!.trim();
    if (!text) throw new EvalFileError(file, lineNumber, 'empty "text"');
    if (!label) throw new EvalFileError(file, lineNumber, 'empty "label"');
    rows.push({ text, label });
  }
  if (rows.length === 0) throw new EvalFileError(file, 0, 'no data rows after the header');
  return rows;
}

/** Reads and parses a labelled TSV file; a missing or unreadable file is an {@link EvalFileError}. */
export async function readLabelledTsv(file: string): Promise<LabelledUtterance[]> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    throw new EvalFileError(file, 0, `cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  return parseLabelledTsv(content, file);
}
