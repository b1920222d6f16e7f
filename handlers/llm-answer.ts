/**
 * The language-model half of the knowledge answer: the follow-up rewrite before retrieval and the
 * grounded answer after it, both within one deadline per message (default 2.5 s, well inside
 * WeChat's passive-reply budget). Neither can cost the customer a reply: a failure or a timeout is
 * logged and the stage carries on without the model — the original text is retrieved, the
 * extractive decision answers, asks back or passes to the fallback.
 */
import type { LanguageModel } from 'ai';
import type { BotContext } from '../bot/context.ts';
import type { OutboundReply } from '../bot/model.ts';
import { rewriteFollowUp, type RecentTurns } from '../knowledge/answer/follow-up-rewriter.ts';
import { createGroundedAnswerComposer } from '../knowledge/answer/grounded-answer.ts';
import { LlmCallError } from '../knowledge/llm/llm-call.ts';
import type { RetrievalHit } from '../knowledge/types.ts';

/** How the knowledge answer uses a language model. */
export interface LlmAnswerOptions {
  model: LanguageModel;
  /** The conversation's last turns, for rewriting follow-ups; none = no rewriting. */
  history?: RecentTurns;
  /** Total time for the model calls of one message (rewrite + answer), ms; default 2500. */
  timeoutMs?: number;
  /** Passages given to the model; default 4. */
  passages?: number;
  /** Extra instructions for the answer's system prompt (the shop's name, tone, …). */
  instructions?: string;
}

/** Time for the model calls of one message unless configured. */
export const defaultLlmTimeoutMs = 2500;

/** The model steps of the knowledge answer, bound to their options. */
export interface LlmAnswering {
  passages: number;
  /** A fresh deadline for one message's model calls. */
  deadline(): AbortSignal;
  /** `ctx.text` as a standalone question (recorded in `ctx.state.question` when rewritten). */
  standaloneQuestion(ctx: BotContext, deadline: AbortSignal): Promise<string>;
  /** The grounded answer as a reply, or undefined when the model declined or failed. */
  groundedReply(
    ctx: BotContext,
    question: string,
    hits: readonly RetrievalHit[],
    confidence: number,
    deadline: AbortSignal,
  ): Promise<OutboundReply | undefined>;
}

export function createLlmAnswering(options: LlmAnswerOptions): LlmAnswering {
  const timeoutMs = options.timeoutMs ?? defaultLlmTimeoutMs;
  const passages = options.passages ?? 4;
  const composer = createGroundedAnswerComposer({ model: options.model, instructions: options.instructions });
  return {
    passages,
    deadline: () => AbortSignal.timeout(timeoutMs),

    async standaloneQuestion(ctx, deadline) {
      if (!options.history) return ctx.text;
      try {
        const turns = await options.history({ conversationId: ctx.conversation.id, messageId: ctx.message.id });
        const question = await rewriteFollowUp({ model: options.model, message: ctx.text, turns, abortSignal: deadline });
        if (question !== ctx.text) {
          ctx.state.question = question;
          ctx.log.debug({ question }, 'follow-up rewritten');
        }
        return question;
      } catch (error) {
        report(ctx, error, 'follow-up rewrite failed; retrieving the message as written');
        return ctx.text;
      }
    },

    async groundedReply(ctx, question, hits, confidence, deadline) {
      try {
        const result = await composer.compose({
          question,
          passages: hits.slice(0, passages),
          channelType: ctx.channel.type,
          abortSignal: deadline,
        });
        ctx.state.llmAnswer = result.outcome;
        if (result.rejectedCitations.length > 0) {
          ctx.log.warn({ rejectedCitations: result.rejectedCitations }, 'the model cited passages it was not given; dropped');
        }
        if (result.outcome === 'decline') {
          ctx.log.debug({ reason: result.reason }, 'the model declined to answer');
          return undefined;
        }
        return {
          parts: [{ type: 'text', text: result.text }],
          intent: 'faq',
          // The retrieval's calibrated confidence: a model's own estimate is not calibrated.
          confidence,
          citations: result.citations,
        };
      } catch (error) {
        ctx.state.llmAnswer = 'failed';
        report(ctx, error, 'LLM answer failed; answering without the model');
        return undefined;
      }
    },
  };
}

function report(ctx: BotContext, error: unknown, message: string): void {
  const code = error instanceof LlmCallError ? error.code : 'llm_failed';
  ctx.log.warn({ err: error, code }, message);
}
