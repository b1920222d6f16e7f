/**
 * The one entry point of ingestion: any supported file → knowledge entries, with the problems
 * found on the way. FAQ tables (TSV, CSV, JSON, XLSX) give `faq` entries, documents (Markdown,
 * HTML, plain text, PDF, DOCX) give `chunk` entries (`chunk-document.ts`). Used by `kefu import`,
 * the start-up import of configured files and the HTTP import API.
 */
import { extname } from 'node:path';
import type { KnowledgeEntry } from '../types.ts';
import { chunkDocument, type ChunkLimits } from './chunk-document.ts';
import type { DocumentBlock } from './document-block.ts';
import { docxBlocks } from './docx-blocks.ts';
import { FaqTableError, parseFaqTable } from './faq-table.ts';
import { htmlBlocks } from './html-blocks.ts';
import { KnowledgeFileError } from './knowledge-file-error.ts';
import { markdownBlocks } from './markdown-blocks.ts';
import { pdfBlocks } from './pdf-blocks.ts';
import { textBlocks } from './text-blocks.ts';
import { parseXlsxFaqTable } from './xlsx-faq-table.ts';

export { KnowledgeFileError } from './knowledge-file-error.ts';

/** A file read into entries: FAQ rows or document chunks, plus what could not be used. */
export interface ParsedKnowledgeFile {
  format: 'tsv' | 'csv' | 'json' | 'xlsx' | 'markdown' | 'html' | 'text' | 'pdf' | 'docx';
  entries: Array<KnowledgeEntry & { line?: number }>;
  problems: Array<{ line?: number; reason: string }>;
}

export type KnowledgeFileFormat = ParsedKnowledgeFile['format'];

/** Tuning that callers rarely need; `parseKnowledgeFile(input)` alone uses the defaults. */
export interface ParseKnowledgeFileOptions {
  /** Chunk size limits for documents (default 400 / 1200 characters); `KefuError` `bad_chunk_limits` unless 0 < target ≤ max. */
  chunkLimits?: Partial<ChunkLimits>;
  /** XLSX: the worksheet to read (default the first). */
  sheet?: string;
}

const formatOfExtension: Record<string, KnowledgeFileFormat> = {
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.csv': 'csv',
  '.json': 'json',
  '.xlsx': 'xlsx',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.htm': 'html',
  '.html': 'html',
  '.txt': 'text',
  '.text': 'text',
  '.pdf': 'pdf',
  '.docx': 'docx',
};

/**
 * Office's binary formats before 2007. No dependency reads them (exceljs reads `.xlsx` only,
 * mammoth `.docx` only), so they are refused with what to do instead.
 */
const legacyFormats: Record<string, string> = {
  '.xls': 'an Excel 97–2003 workbook (.xls) is not read; save it as .xlsx (Excel or WPS: Save As → Excel Workbook) and import that',
  '.doc': 'a Word 97–2003 document (.doc) is not read; save it as .docx (Word or WPS: Save As → Word Document) and import that',
};

/** File extensions `parseKnowledgeFile` recognises (lower case, with the dot). */
export const knowledgeFileExtensions: readonly string[] = Object.keys(formatOfExtension);

/** The format of a file name, from its extension; undefined when not supported. */
export function knowledgeFileFormatOf(fileName: string): KnowledgeFileFormat | undefined {
  return formatOfExtension[extname(fileName).toLowerCase()];
}

/**
 * Parse one file. The format comes from `format`, else from the file name's extension (the
 * name is also each entry's `sourceName` and the start of chunk ids). Bad rows
 * and empty PDF pages are `problems`; a file that cannot be used at all (corrupt PDF/DOCX/XLSX,
 * unknown extension, no text, a table without an answer column) throws `KnowledgeFileError`
 * (`bad_knowledge_file`) whose message says why without repeating the file name.
 */
export async function parseKnowledgeFile(
  input: { fileName: string; content: Uint8Array; format?: ParsedKnowledgeFile['format'] },
  options: ParseKnowledgeFileOptions = {},
): Promise<ParsedKnowledgeFile> {
  const format = input.format ?? knowledgeFileFormatOf(input.fileName);
  if (!format) {
    const extension = extname(input.fileName);
    const supported = `supported: ${knowledgeFileExtensions.join(', ')}`;
    const legacy = legacyFormats[extension.toLowerCase()];
    throw new KnowledgeFileError(legacy ? `${legacy} (${supported})` : `unsupported file type "${extension || '(none)'}" (${supported})`);
  }
  const sourceName = input.fileName;
  try {
    switch (format) {
      case 'tsv':
      case 'csv':
      case 'json':
        return withEntries(parseFaqTable(decodeText(input.content), { format, sourceName }), 'table');
      case 'xlsx':
        return withEntries({ format, ...(await parseXlsxFaqTable(input.content, { sheet: options.sheet, sourceName })) }, 'table');
      case 'pdf': {
        const { blocks, problems } = await pdfBlocks(input.content);
        return chunked(format, blocks, problems, sourceName, options);
      }
      case 'docx':
        return chunked(format, await docxBlocks(input.content), [], sourceName, options);
      case 'markdown':
        return chunked(format, markdownBlocks(decodeText(input.content)), [], sourceName, options);
      case 'html':
        return chunked(format, htmlBlocks(decodeText(input.content)), [], sourceName, options);
      case 'text':
        return chunked(format, textBlocks(decodeText(input.content)), [], sourceName, options);
    }
  } catch (error) {
    if (error instanceof KnowledgeFileError) throw error;
    if (error instanceof FaqTableError) throw new KnowledgeFileError(error.message, { cause: error });
    throw error;
  }
}

/**
 * UTF-8 (with or without BOM); UTF-16 with a BOM (Excel's "Unicode text"); otherwise GB18030, what
 * Chinese Excel and Notepad save as "ANSI".
 */
function decodeText(content: Uint8Array): string {
  if (content[0] === 0xff && content[1] === 0xfe) return new TextDecoder('utf-16le').decode(content);
  if (content[0] === 0xfe && content[1] === 0xff) return new TextDecoder('utf-16be').decode(content);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    try {
      return new TextDecoder('gb18030', { fatal: true }).decode(content);
    } catch (cause) {
      throw new KnowledgeFileError('not text in UTF-8, UTF-16 or GB18030 (GBK)', { cause });
    }
  }
}

function chunked(
  format: KnowledgeFileFormat,
  blocks: DocumentBlock[],
  problems: ParsedKnowledgeFile['problems'],
  sourceName: string,
  options: ParseKnowledgeFileOptions,
): ParsedKnowledgeFile {
  const chunks = chunkDocument(blocks, { sourceName, limits: options.chunkLimits });
  return withEntries({ format, entries: chunks.map((chunk) => ({ ...chunk, position: { ...chunk.position } })), problems }, 'document');
}

/**
 * A file that yields nothing is refused — except a table whose rows all have problems: those are
 * returned so that every bad row gets reported, and the caller refuses to publish an empty import.
 */
function withEntries(parsed: ParsedKnowledgeFile, kind: 'table' | 'document'): ParsedKnowledgeFile {
  if (parsed.entries.length > 0 || (kind === 'table' && parsed.problems.length > 0)) return parsed;
  const found = parsed.problems.length > 0 ? ` (${parsed.problems.map(describe).join('; ')})` : '';
  throw new KnowledgeFileError(`${kind === 'table' ? 'the table has no rows' : 'no text found'}${found}`);
}

function describe(problem: { line?: number; reason: string }): string {
  return problem.line === undefined ? problem.reason : `line ${problem.line}: ${problem.reason}`;
}
