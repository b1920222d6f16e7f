/**
 * The default processing stack (DESIGN.md "The pipeline"): error boundary → ignore own messages →
 * human-mode gate → events → knowledge answer → fallback. Later stages (group gating, intent
 * routing, orders, tickets, handoff) slot in by position.
 */
import { compose } from '../bot/compose.ts';
import type { BotContext, BotMiddleware } from '../bot/context.ts';
import type { KnowledgeRetriever } from '../knowledge/types.ts';
import { errorBoundary } from './error-boundary.ts';
import { handleEvents } from './events.ts';
import { fallback } from './fallback.ts';
import { humanModeGate } from './human-mode-gate.ts';
import { ignoreOwnMessages } from './ignore-own-messages.ts';
import { knowledgeAnswer } from './knowledge-answer.ts';

export interface DefaultPipelineOptions {
  retriever: KnowledgeRetriever;
  minKnowledgeScore?: number;
  welcome?: string;
  /** Your own stages, run after the gates and events and before the knowledge answer. */
  handlers?: BotMiddleware[];
}

export function createDefaultPipeline(options: DefaultPipelineOptions): (ctx: BotContext) => Promise<void> {
  const stack: BotMiddleware[] = [
    errorBoundary(),
    ignoreOwnMessages(),
    humanModeGate(),
    handleEvents({ welcome: options.welcome }),
    ...(options.handlers ?? []),
    knowledgeAnswer({ retriever: options.retriever, minScore: options.minKnowledgeScore }),
    fallback(),
  ];
  const run = compose<BotContext>(stack);
  return async (ctx) => {
    await run(ctx, async () => undefined);
  };
}
