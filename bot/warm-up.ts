/**
 * Warm-up of a process that runs the pipeline: what the first message of a workspace would
 * otherwise build while its customer waits — the workspace's knowledge index (seconds for a large
 * knowledge base: 10,000 entries take about 6–10 s), its intent detector, the word segmenter's
 * dictionary and the term table answers are weighed with. Runs in the background right after
 * start-up, for every workspace a channel delivers to; a message that arrives meanwhile waits for
 * the same build (it is shared), never for a second one.
 */
import type { Logger } from 'pino';
import { termInformation } from '../knowledge/answer/term-information.ts';
import type { KnowledgeRetriever } from '../knowledge/types.ts';

export interface WarmUpDependencies {
  workspaceIds: Iterable<string>;
  retriever: KnowledgeRetriever;
  intents: { detectorFor(workspaceId: string): Promise<unknown> };
  log: Logger;
}

/** Build what answering needs for each workspace; failures are logged (the first message retries). */
export async function warmUpAnswering(deps: WarmUpDependencies): Promise<void> {
  termInformation('你好');
  for (const workspaceId of new Set(deps.workspaceIds)) {
    const started = performance.now();
    try {
      await deps.retriever.retrieve(workspaceId, '你好', { limit: 1 });
      await deps.intents.detectorFor(workspaceId);
      deps.log.info({ workspaceId, ms: Math.round(performance.now() - started) }, 'answering warmed up');
    } catch (error) {
      deps.log.warn({ err: error, workspaceId }, 'warm-up failed; the first message builds what it needs');
    }
  }
}
