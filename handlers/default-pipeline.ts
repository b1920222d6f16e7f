/**
 * The default processing stack (DESIGN.md "The pipeline"): error boundary → ignore own messages →
 * human-mode gate → events → intent → smalltalk → your handlers → knowledge answer → fallback. Later stages (group gating, intent
 * routing, orders, tickets, handoff) slot in by position.
 */
import { compose } from '../bot/compose.ts';
import type { BotContext, BotMiddleware } from '../bot/context.ts';
import type { IntentDetector } from '../knowledge/intents/types.ts';
import type { KnowledgeRetriever } from '../knowledge/types.ts';
import { detectIntent } from './intent-detection.ts';
import { smalltalk } from './smalltalk.ts';
import { errorBoundary } from './error-boundary.ts';
import { handleEvents } from './events.ts';
import { fallback } from './fallback.ts';
import { humanModeGate } from './human-mode-gate.ts';
import { ignoreOwnMessages } from './ignore-own-messages.ts';
import { knowledgeAnswer } from './knowledge-answer.ts';

export interface DefaultPipelineOptions {
  retriever: KnowledgeRetriever;
  /** Intent detection; without it every message goes to the knowledge answer. */
  intents?: IntentDetector;
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
    ...(options.intents ? [detectIntent({ detector: options.intents }), smalltalk()] : []),
    ...(options.handlers ?? []),
    knowledgeAnswer({ retriever: options.retriever, minScore: options.minKnowledgeScore }),
    fallback(),
  ];
  const run = compose<BotContext>(stack);
  return async (ctx) => {
    await run(ctx, async () => undefined);
  };
}
