/**
 * An import: read and parse every file, then publish all their entries as one new version of a
 * knowledge base — or nothing. Row problems are reported and the rows skipped; a file that cannot
 * be read at all, or an import left with no entries, publishes nothing, because a version without
 * that file's entries would silently drop what it answered before.
 */
import { readFile } from 'node:fs/promises';
import { KefuError } from '../../bot/errors.ts';
import type { KnowledgeRepository, PublishedImport } from '../knowledge-repository.ts';
import type { KnowledgeFileSource } from './knowledge-file-sources.ts';
import { KnowledgeFileError, parseKnowledgeFile, type ParsedKnowledgeFile, type ParseKnowledgeFileOptions } from './knowledge-file.ts';

/** A problem found in a file: the file's source name, the line when known, and why. */
export interface ImportProblem {
  file: string;
  line?: number;
  reason: string;
}

/** What an import reports while it runs (for progress bars and logs). */
export interface ImportEvents {
  /** A file was parsed (`parsed`) or could not be used (`error`). */
  fileDone?(file: KnowledgeFileSource, index: number, total: number, outcome: { parsed?: ParsedKnowledgeFile; error?: KefuError }): void;
  /** Parsing is over; `entries` are about to be published in one transaction. */
  publishing?(entries: number): void;
}

export interface ImportRequest {
  workspace: string;
  /** Knowledge base name (created when missing). */
  name: string;
  files: readonly KnowledgeFileSource[];
  options?: ParseKnowledgeFileOptions;
}

/** Nothing was published; `problems` lists every problem found, the unusable files among them. */
export class KnowledgeImportError extends KnowledgeFileError {
  readonly problems: ImportProblem[];
  constructor(message: string, problems: ImportProblem[]) {
    super(message);
    this.problems = problems;
  }
}

/** The published version, the diff against what it replaced, and what the files held. */
export interface ImportResult extends PublishedImport {
  /** FAQ entries and document chunks published. */
  faqs: number;
  chunks: number;
  problems: ImportProblem[];
}

/** Import files into a knowledge base; throws `KnowledgeImportError` (nothing published) when a file cannot be used. */
export async function importKnowledgeFiles(
  repository: KnowledgeRepository,
  request: ImportRequest,
  events: ImportEvents = {},
): Promise<ImportResult> {
  const entries: ParsedKnowledgeFile['entries'] = [];
  const problems: ImportProblem[] = [];
  const failed: string[] = [];
  const fileOfId = new Map<string, string>();
  for (const [index, file] of request.files.entries()) {
    let parsed: ParsedKnowledgeFile;
    try {
      const content = await readFile(file.path).catch((cause: unknown) => {
        throw new KnowledgeFileError(`cannot read ${file.path}: ${(cause as Error).message}`, { cause });
      });
      parsed = await parseKnowledgeFile({ fileName: file.sourceName, content: new Uint8Array(content) }, request.options);
    } catch (error) {
      if (!(error instanceof KefuError)) throw error;
      failed.push(file.sourceName);
      problems.push({ file: file.sourceName, reason: error.message });
      events.fileDone?.(file, index, request.files.length, { error });
      continue;
    }
    for (const problem of parsed.problems) problems.push({ file: file.sourceName, ...problem });
    for (const entry of parsed.entries) {
      const first = fileOfId.get(entry.id);
      if (first !== undefined) {
        problems.push({ file: file.sourceName, line: entry.line, reason: `id "${entry.id}" is already used in ${first}; row skipped` });
        continue;
      }
      fileOfId.set(entry.id, file.sourceName);
      entries.push(entry);
    }
    events.fileDone?.(file, index, request.files.length, { parsed });
  }
  if (failed.length > 0) {
    const which = failed.length === 1 ? `${failed[0]} could not be used` : `${failed.length} files could not be used (${failed.join(', ')})`;
    throw new KnowledgeImportError(`nothing was published: ${which}`, problems);
  }
  if (entries.length === 0) throw new KnowledgeImportError('nothing was published: the files hold no usable entries', problems);
  events.publishing?.(entries.length);
  const published = await repository.publishEntries(request.workspace, request.name, entries);
  const chunks = entries.filter((entry) => entry.kind === 'chunk').length;
  return { ...published, faqs: entries.length - chunks, chunks, problems };
}
