/**
 * Answers from the workspace's knowledge base, by the confidence of `decideAnswer`: a confident
 * match is answered and cited; a plausible but uncertain one is asked back as a numbered list of
 * the top questions (remembered for `answerPickedChoice`, which answers the customer's "1"/"２"/"三");
 * no plausible match passes on (to the fallback), never guessing.
 *
 * With a language model (`llm`), a follow-up is first rewritten into a standalone question with
 * the conversation's last turns, and the model writes the answer from the retrieved passages
 * (`knowledge/answer/grounded-answer.ts`). When it declines, fails or misses the deadline, the
 * stage goes on exactly as without a model (see `llm-answer.ts`).
 */
import type { BotMiddleware } from '../bot/context.ts';
import type { Cache } from '../bot/ports/cache.ts';
import { decideAnswer, type AnswerDecisionOptions } from '../knowledge/answer/answer-decision.ts';
import { citationOf } from '../knowledge/answer/citation.ts';
import type { KnowledgeRetriever, RetrievalHit } from '../knowledge/types.ts';
import { answerReply, choiceMemory, defaultChoicesTtlMs, recordKnowledgeOutcome, type OfferedChoice } from './clarify-choices.ts';
import { createLlmAnswering, type LlmAnswerOptions } from './llm-answer.ts';

export interface KnowledgeAnswerOptions {
  retriever: KnowledgeRetriever;
  /** Remembers the questions offered to a conversation; give `answerPickedChoice` the same cache. */
  cache: Cache;
  /** Thresholds and scoring of the decision (see `decideAnswer`). */
  decision?: AnswerDecisionOptions;
  /** How long offered questions can be picked by number; default 10 minutes. */
  choicesTtlMs?: number;
  /** Answers written by a language model from the passages; none = extractive answers only. */
  llm?: LlmAnswerOptions;
}

/** The first line of the question asked back; the numbered questions follow. */
export const clarifyPrompt = '您是想问以下哪个问题？回复数字即可：';

/** Hits the decision weighs (the best one and its runners-up). */
const decisionHits = 3;

/** The knowledge-answer stage; pair it with `answerPickedChoice` placed before intent detection. */
export function knowledgeAnswer(options: KnowledgeAnswerOptions): BotMiddleware {
  const ttlMs = options.choicesTtlMs ?? defaultChoicesTtlMs;
  const llm = options.llm ? createLlmAnswering(options.llm) : undefined;
  return async function knowledgeAnswerMiddleware(ctx, next) {
    if (!ctx.text) return next();
    const deadline = llm?.deadline();
    const question = llm && deadline ? await llm.standaloneQuestion(ctx, deadline) : ctx.text;
    const limit = Math.max(decisionHits, llm?.passages ?? 0);
    const hits = await options.retriever.retrieve(ctx.workspaceId, question, { limit });
    ctx.state.retrieval = hits.map((hit) => ({ id: hit.entry.id, score: hit.score }));
    // The evidence is measured with the analyzer retrieval used: a workspace synonym that found
    // the entry must count as a shared word, not as none.
    const analyzer = options.decision?.analyzer ?? (await options.retriever.analyzer?.(ctx.workspaceId));
    const decision = decideAnswer(question, hits.slice(0, decisionHits), { ...options.decision, analyzer });
    if (llm && deadline && hits.length > 0) {
      const reply = await llm.groundedReply(ctx, question, hits, decision.confidence, deadline);
      if (reply) {
        recordKnowledgeOutcome(ctx, { outcome: 'answer', confidence: decision.confidence, composer: 'llm' });
        ctx.reply(reply);
        return;
      }
    }
    recordKnowledgeOutcome(ctx, { outcome: decision.outcome, confidence: decision.confidence });
    if (decision.outcome === 'answer' && decision.best) {
      ctx.reply(answerReply(offeredChoice(decision.best), decision.confidence));
      return;
    }
    if (decision.outcome === 'clarify' && decision.choices) {
      const choices = decision.choices.map(offeredChoice);
      await choiceMemory(options.cache, ctx.workspaceId, ctx.conversation.id, ttlMs).remember(choices);
      const list = choices.map((choice, index) => `${index + 1}. ${choice.title}`).join('\n');
      ctx.reply({ parts: [{ type: 'text', text: `${clarifyPrompt}\n${list}` }], intent: 'faq-clarify', confidence: decision.confidence });
      return;
    }
    return next();
  };
}

function offeredChoice(hit: RetrievalHit): OfferedChoice {
  const { id, title, score, source } = citationOf(hit);
  return { id, title, answer: hit.entry.answer, score: score ?? hit.score, ...(source ? { source } : {}) };
}
