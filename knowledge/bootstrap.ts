/**
 * Start-up wiring of the knowledge module: knowledge files named in the configuration (FAQ tables
 * and documents, every format `kefu import` reads) are imported into their workspace's knowledge
 * base the first time (an empty workspace), and the pipeline gets the database-backed retriever,
 * which follows later publishes (from `kefu import` or the API) by itself.
 */
import type { Logger } from 'pino';
import type { Database } from '../bot/storage/database.ts';
import { importKnowledgeFiles, KnowledgeImportError, type ImportProblem } from './import/import-knowledge-files.ts';
import { collectKnowledgeFiles } from './import/knowledge-file-sources.ts';
import { createKnowledgeRepository, type KnowledgeRepository } from './knowledge-repository.ts';
import type { DenseRetrievalOptions } from './dense/dense-workspace.ts';
import { createKnowledgeRetriever, type WorkspaceKnowledgeRetriever } from './retriever.ts';

export interface KnowledgeFileImport {
  workspace: string;
  /** A file or a directory of files. */
  file: string;
  name: string;
}

/**
 * Parse knowledge files (or directories of them) and publish them together as a new version of
 * the named knowledge base. Problems are passed to `onProblem` (also when the import is refused).
 */
export async function importKnowledgeSource(
  repository: KnowledgeRepository,
  source: { workspace: string; files: readonly string[]; name: string },
  onProblem: (problem: ImportProblem) => void = () => undefined,
) {
  const files = await collectKnowledgeFiles(source.files);
  try {
    const result = await importKnowledgeFiles(repository, { workspace: source.workspace, name: source.name, files });
    result.problems.forEach(onProblem);
    return result;
  } catch (error) {
    if (error instanceof KnowledgeImportError) error.problems.forEach(onProblem);
    throw error;
  }
}

/** Kept for callers of the FAQ-only import: `importKnowledgeSource` of one file with line-only problem reports. */
export async function importFaqFile(
  repository: KnowledgeRepository,
  source: KnowledgeFileImport,
  onProblem: (line: number, reason: string) => void = () => undefined,
) {
  const result = await importKnowledgeSource(repository, { workspace: source.workspace, files: [source.file], name: source.name }, (problem) =>
    onProblem(problem.line ?? 0, problem.reason),
  );
  return { ...result, skipped: result.problems.length };
}

/**
 * Import the configured knowledge files into workspaces that have no published knowledge yet —
 * the files naming the same workspace and knowledge base together, as one version — and return
 * the retriever.
 */
export async function prepareKnowledge(
  db: Database,
  sources: KnowledgeFileImport[],
  log: Logger,
  options: { embedding?: DenseRetrievalOptions } = {},
): Promise<WorkspaceKnowledgeRetriever> {
  const repository = createKnowledgeRepository(db);
  const groups = new Map<string, { workspace: string; name: string; files: string[] }>();
  for (const source of sources) {
    const key = JSON.stringify([source.workspace, source.name]);
    const group = groups.get(key) ?? { workspace: source.workspace, name: source.name, files: [] };
    group.files.push(source.file);
    groups.set(key, group);
  }
  // Decided before the first import, so that a workspace with several knowledge bases gets them all.
  const emptyAtStart = new Map<string, boolean>();
  for (const group of groups.values()) {
    if (!emptyAtStart.has(group.workspace)) {
      emptyAtStart.set(group.workspace, (await repository.loadPublishedEntries(group.workspace)).length === 0);
    }
    if (!emptyAtStart.get(group.workspace)) continue;
    const published = await importKnowledgeSource(repository, group, (problem) =>
      log.warn({ file: problem.file, line: problem.line, reason: problem.reason }, 'knowledge import problem'),
    );
    log.info(
      { workspace: group.workspace, name: group.name, files: group.files, entries: published.entries, chunks: published.chunks },
      'knowledge imported',
    );
  }
  return createKnowledgeRetriever({
    source: repository,
    embedding: options.embedding,
    onRefreshError: (error, workspaceId) => log.error({ err: error, workspaceId }, 'knowledge refresh failed; answering from the last index'),
  });
}
