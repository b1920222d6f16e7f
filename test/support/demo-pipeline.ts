/**
 * The default pipeline as the demo runs it, without storage: the demo knowledge base, an in-memory
 * cache and the starter intents plus a test's own (`own`), for tests of what a customer is answered.
 */
import { createMemoryCache } from '../../bot/ports/memory-cache.ts';
import { createDefaultPipeline, type DefaultPipelineOptions } from '../../handlers/default-pipeline.ts';
import { demoEntries } from '../../knowledge/__fixtures__/demo-entries.ts';
import { STARTER_INTENTS, STARTER_OUT_OF_SCOPE_EXAMPLES, STARTER_REPLIES } from '../../knowledge/intents/starter-intents.ts';
import { createWorkspaceIntents, type OwnIntentEntry } from '../../knowledge/intents/workspace-intents.ts';
import { createStaticRetriever } from '../../knowledge/retriever.ts';

export function demoPipeline(
  own: ReadonlyArray<OwnIntentEntry & { workspace: string }> = [],
  options: Partial<Pick<DefaultPipelineOptions, 'handoff'>> = {},
) {
  return createDefaultPipeline({
    retriever: createStaticRetriever(demoEntries()),
    cache: createMemoryCache(),
    intents: createWorkspaceIntents({ base: STARTER_INTENTS, baseReplies: STARTER_REPLIES, outOfScopeExamples: STARTER_OUT_OF_SCOPE_EXAMPLES, own }),
    ...options,
  });
}
