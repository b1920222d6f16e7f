/**
 * The one error an import throws for a file it cannot read at all — corrupt PDF, DOCX or XLSX, an
 * unknown extension, a document without text, a table without an answer column. Row-level trouble
 * is never thrown: it is reported as a problem with its line, and the rest of the file is used.
 */
import { KefuError } from '../../bot/errors.ts';

/** The file cannot be used; the message says why in words an operator understands. */
export class KnowledgeFileError extends KefuError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_knowledge_file', message, options);
  }
}
