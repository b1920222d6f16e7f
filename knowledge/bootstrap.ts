/**
 * Start-up wiring of the knowledge module: FAQ tables named in the configuration are imported into
 * their workspace's knowledge base the first time (an empty workspace), and the pipeline gets the
 * database-backed retriever, which follows later publishes (from `kefu import` or the API) by itself.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { KefuError } from '../bot/errors.ts';
import type { Database } from '../bot/storage/database.ts';
import { parseFaqTable } from './import/faq-table.ts';
import { createKnowledgeRepository, type KnowledgeRepository } from './knowledge-repository.ts';
import { createKnowledgeRetriever, type WorkspaceKnowledgeRetriever } from './retriever.ts';

export interface KnowledgeFileImport {
  workspace: string;
  file: string;
  name: string;
}

/** Parse an FAQ file and publish it as a new version of the named knowledge base. */
export async function importFaqFile(
  repository: KnowledgeRepository,
  source: KnowledgeFileImport,
  onProblem: (line: number, reason: string) => void = () => undefined,
) {
  let text: string;
  try {
    text = await readFile(source.file, 'utf8');
  } catch (cause) {
    throw new KefuError('file_unreadable', `cannot read ${source.file}: ${(cause as Error).message}`, { cause });
  }
  const table = parseFaqTable(text, { sourceName: basename(source.file) });
  for (const problem of table.problems) onProblem(problem.line, problem.reason);
  if (table.entries.length === 0) throw new KefuError('empty_import', `${source.file}: no usable entries`);
  const published = await repository.publishEntries(source.workspace, source.name, table.entries);
  return { ...published, skipped: table.problems.length };
}

export async function prepareKnowledge(db: Database, sources: KnowledgeFileImport[], log: Logger): Promise<WorkspaceKnowledgeRetriever> {
  const repository = createKnowledgeRepository(db);
  for (const source of sources) {
    if ((await repository.loadPublishedEntries(source.workspace)).length > 0) continue;
    const published = await importFaqFile(repository, source, (line, reason) =>
      log.warn({ file: source.file, line, reason }, 'knowledge row skipped'),
    );
    log.info({ workspace: source.workspace, file: source.file, entries: published.entries }, 'knowledge imported');
  }
  return createKnowledgeRetriever({
    source: repository,
    onRefreshError: (error, workspaceId) => log.error({ err: error, workspaceId }, 'knowledge refresh failed; answering from the last index'),
  });
}
