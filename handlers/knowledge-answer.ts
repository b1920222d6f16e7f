/**
 * Answers from the workspace's knowledge base: the best entry when it scores high enough, cited.
 * Below the threshold it passes on (to the fallback), never guessing.
 */
import type { BotMiddleware } from '../bot/context.ts';
import type { KnowledgeRetriever, RetrievalHit } from '../knowledge/types.ts';

export interface KnowledgeAnswerOptions {
  retriever: KnowledgeRetriever;
  /** Minimum retrieval score to answer; the scale is the retriever's. */
  minScore?: number;
}

export function knowledgeAnswer(options: KnowledgeAnswerOptions): BotMiddleware {
  // BM25 scale: on the demo base unrelated questions score ≤ 6, real matches ≥ 7.
  const minScore = options.minScore ?? 6.5;
  return async function knowledgeAnswerMiddleware(ctx, next) {
    if (!ctx.text) return next();
    const hits: RetrievalHit[] = await options.retriever.retrieve(ctx.workspaceId, ctx.text, { limit: 3 });
    ctx.state.retrieval = hits.map((hit) => ({ id: hit.entry.id, score: hit.score }));
    const best = hits[0];
    if (!best || best.score < minScore) return next();
    ctx.reply({
      parts: [{ type: 'text', text: best.entry.answer }],
      intent: 'faq',
      confidence: best.score,
      citations: [{ id: best.entry.id, title: best.entry.question || best.entry.sourceName || best.entry.id, score: best.score }],
    });
  };
}
