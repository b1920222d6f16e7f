/**
 * The default processing stack (DESIGN.md "The pipeline"): error boundary → ignore own messages →
 * human-mode gate → events → picked question → intent → handoff to a human → fixed intent replies →
 * your handlers → knowledge answer → fallback. Later stages (group gating, intent routing, orders,
 * tickets) slot in by position.
 */
import { compose } from '../bot/compose.ts';
import type { BotContext, BotMiddleware } from '../bot/context.ts';
import type { Cache } from '../bot/ports/cache.ts';
import type { AnswerDecisionOptions } from '../knowledge/answer/answer-decision.ts';
import { STARTER_REPLIES } from '../knowledge/intents/starter-intents.ts';
import type { IntentDetector } from '../knowledge/intents/types.ts';
import type { WorkspaceIntents } from '../knowledge/intents/workspace-intents.ts';
import type { KnowledgeRetriever } from '../knowledge/types.ts';
import { answerPickedChoice } from './clarify-choices.ts';
import { detectIntent } from './intent-detection.ts';
import { intentReplies } from './intent-replies.ts';
import { errorBoundary } from './error-boundary.ts';
import { handleEvents } from './events.ts';
import { fallback } from './fallback.ts';
import { handOffToHuman } from './handoff.ts';
import { humanModeGate } from './human-mode-gate.ts';
import { ignoreOwnMessages } from './ignore-own-messages.ts';
import { knowledgeAnswer } from './knowledge-answer.ts';
import type { LlmAnswerOptions } from './llm-answer.ts';

export interface DefaultPipelineOptions {
  retriever: KnowledgeRetriever;
  /**
   * Intent detection: per workspace (`createWorkspaceIntents`), or one detector for every workspace
   * (answering the starter smalltalk replies). Without it every message goes to the knowledge answer.
   */
  intents?: Pick<WorkspaceIntents, 'detectorFor' | 'replyFor'> | IntentDetector;
  /** Remembers the questions the knowledge answer offered a conversation (see `knowledgeAnswer`). */
  cache: Cache;
  /** Thresholds of the knowledge answer's decision (see `decideAnswer`). */
  knowledgeDecision?: AnswerDecisionOptions;
  /** A language model for follow-up rewriting and grounded answers; none = extractive answers. */
  llm?: LlmAnswerOptions;
  welcome?: string;
  /** Handoff to a human (`handoff.ts`, `human-mode-gate.ts`): the confirmation, and how long a request waits. */
  handoff?: { reply?: string; pendingTimeoutMs?: number };
  /** Your own stages, run after the gates and events and before the knowledge answer. */
  handlers?: BotMiddleware[];
}

export function createDefaultPipeline(options: DefaultPipelineOptions): (ctx: BotContext) => Promise<void> {
  const intents = options.intents && ('detectorFor' in options.intents ? options.intents : sameForEveryWorkspace(options.intents));
  const stack: BotMiddleware[] = [
    errorBoundary(),
    ignoreOwnMessages(),
    humanModeGate({ pendingTimeoutMs: options.handoff?.pendingTimeoutMs }),
    handleEvents({ welcome: options.welcome }),
    // A bare "2" answering the bot's own question comes before intent detection guesses at it.
    answerPickedChoice({ cache: options.cache }),
    ...(intents
      ? [
          detectIntent({ intents }),
          handOffToHuman({ reply: options.handoff?.reply, replyFor: intents.replyFor }),
          intentReplies({ replyFor: intents.replyFor }),
        ]
      : []),
    ...(options.handlers ?? []),
    knowledgeAnswer({ retriever: options.retriever, cache: options.cache, decision: options.knowledgeDecision, llm: options.llm }),
    fallback(),
  ];
  const run = compose<BotContext>(stack);
  return async (ctx) => {
    await run(ctx, async () => undefined);
  };
}

function sameForEveryWorkspace(detector: IntentDetector): Pick<WorkspaceIntents, 'detectorFor' | 'replyFor'> {
  return { detectorFor: async () => detector, replyFor: async (_workspaceId, intent) => STARTER_REPLIES[intent] };
}
