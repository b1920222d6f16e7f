/**
 * Start-up wiring of the knowledge module: load the configured FAQ tables and return the
 * retriever the pipeline asks.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Database } from '../bot/storage/database.ts';
import { createStaticRetriever } from './retriever.ts';
import type { KnowledgeEntry, KnowledgeRetriever } from './types.ts';

export async function prepareKnowledge(
  _db: Database,
  sources: Array<{ workspace: string; file: string; name: string }>,
  log: Logger,
): Promise<KnowledgeRetriever> {
  const entries: KnowledgeEntry[] = [];
  for (const source of sources) {
    const [header, ...rows] = (await readFile(source.file, 'utf8')).split(/\r?\n/).filter(Boolean);
    const columns = header!.split('\t');
    for (const row of rows) {
      const cells = row.split('\t');
      const get = (name: string) => cells[columns.indexOf(name)] ?? '';
      entries.push({ id: get('id'), kind: 'faq', question: get('question'), variants: get('similar').split('|').filter(Boolean), answer: get('answer'), sourceName: source.name });
    }
  }
  log.info({ entries: entries.length }, 'knowledge loaded');
  return createStaticRetriever(entries);
}
