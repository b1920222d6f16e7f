/**
 * Reads an uploaded knowledge file into entries. This version reads FAQ tables only (TSV, CSV,
 * JSON through `parseFaqTable`); documents and XLSX are answered "not supported yet". The
 * signature is the contract of the full reader that replaces this file: callers depend on it only.
 */
import { KefuError } from '../../bot/errors.ts';
import type { KnowledgeEntry } from '../types.ts';
import { FaqTableError, parseFaqTable } from './faq-table.ts';

/** A file read into entries, with the rows that could not be used. */
export interface ParsedKnowledgeFile {
  format: 'tsv' | 'csv' | 'json' | 'xlsx' | 'markdown' | 'html' | 'text' | 'pdf' | 'docx';
  entries: Array<KnowledgeEntry & { line?: number; position?: Record<string, unknown> }>;
  problems: Array<{ line?: number; reason: string }>;
}

const extensions: Record<string, ParsedKnowledgeFile['format']> = {
  tsv: 'tsv',
  tab: 'tsv',
  csv: 'csv',
  json: 'json',
  xlsx: 'xlsx',
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  txt: 'text',
  pdf: 'pdf',
  docx: 'docx',
};

const badFile = (message: string, cause?: unknown) => new KefuError('bad_knowledge_file', message, { cause });

/**
 * Parse a knowledge file; the format comes from `format`, else the file name's extension, else
 * the content. Throws `KefuError('bad_knowledge_file')` when the file cannot be read at all.
 */
export async function parseKnowledgeFile(input: {
  fileName: string;
  content: Uint8Array;
  format?: ParsedKnowledgeFile['format'];
}): Promise<ParsedKnowledgeFile> {
  const extension = /\.([a-z]+)$/i.exec(input.fileName)?.[1]?.toLowerCase();
  const format = input.format ?? (extension ? extensions[extension] : undefined);
  if (format !== undefined && format !== 'tsv' && format !== 'csv' && format !== 'json') {
    throw badFile(`${format} files are not supported yet (use a TSV, CSV or JSON FAQ table)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(input.content);
  } catch (error) {
    throw badFile('the file is not UTF-8 text (save it as UTF-8, e.g. "CSV UTF-8" in Excel)', error);
  }
  try {
    const table = parseFaqTable(text, { format, sourceName: input.fileName });
    return { format: table.format, entries: table.entries, problems: table.problems };
  } catch (error) {
    if (error instanceof FaqTableError) throw badFile(error.message, error);
    throw error;
  }
}
