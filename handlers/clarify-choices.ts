/**
 * The questions the bot offered when it asked back ("您是想问以下哪个问题？"), remembered per
 * conversation in the `Cache` port so the customer can pick one by number in the next message,
 * whichever process handles it; and the stage that answers that pick.
 */
import type { BotContext, BotMiddleware } from '../bot/context.ts';
import type { OutboundReply } from '../bot/model.ts';
import type { Cache } from '../bot/ports/cache.ts';

/** One offered question, with what is needed to answer it without retrieving again. */
export interface OfferedChoice {
  id: string;
  title: string;
  answer: string;
  score: number;
  /** Where a document passage stands (see `knowledge/answer/citation.ts`). */
  source?: string;
}

/** How long offered questions can be picked by number unless configured: 10 minutes. */
export const defaultChoicesTtlMs = 10 * 60_000;

const numbers: Record<string, number> = { '1': 1, '2': 2, '3': 3, '１': 1, '２': 2, '３': 3, 一: 1, 二: 2, 三: 3 };

/**
 * The 1-based choice a message picks when it is just a number 1–3 (ASCII, full-width or 一/二/三,
 * optionally followed by a full stop); undefined for anything else.
 */
export function choiceNumber(text: string): number | undefined {
  const match = /^([1-3１-３一二三])[.。、]?$/u.exec(text.trim());
  return match ? numbers[match[1] as string] : undefined;
}

/** The offered questions of one conversation in the cache. */
export interface ChoiceMemory {
  remember(choices: readonly OfferedChoice[]): Promise<void>;
  recall(): Promise<OfferedChoice[] | undefined>;
  forget(): Promise<void>;
}

/** The memory of one conversation's offered questions, kept for `ttlMs`. */
export function choiceMemory(cache: Cache, workspaceId: string, conversationId: string, ttlMs: number): ChoiceMemory {
  const key = `clarify:${workspaceId}:${conversationId}`;
  return {
    remember: (choices) => cache.set(key, JSON.stringify(choices), ttlMs),
    async recall() {
      const stored = await cache.get(key);
      return stored === undefined ? undefined : (JSON.parse(stored) as OfferedChoice[]);
    },
    forget: () => cache.delete(key),
  };
}

/** What the knowledge stages decided, in `ctx.state.knowledge`. */
export interface KnowledgeOutcome {
  outcome: 'answer' | 'clarify' | 'none' | 'picked';
  confidence: number;
  /** Who wrote an answer: the language model from the passages, or the entry itself (default). */
  composer?: 'llm' | 'extractive';
}

/** Record the knowledge stages' decision for the stages below and for operators. */
export function recordKnowledgeOutcome(ctx: BotContext, outcome: KnowledgeOutcome): void {
  ctx.state.knowledge = outcome;
  ctx.log.debug(outcome, 'knowledge answer');
}

/** The cited answer of an entry. */
export function answerReply(choice: OfferedChoice, confidence: number): OutboundReply {
  return {
    parts: [{ type: 'text', text: choice.answer }],
    intent: 'faq',
    confidence,
    citations: [{ id: choice.id, title: choice.title, score: choice.score, ...(choice.source ? { source: choice.source } : {}) }],
  };
}

export interface ChoicePickOptions {
  cache: Cache;
  /** How long offered questions can be picked; default 10 minutes (as `knowledgeAnswer`'s). */
  choicesTtlMs?: number;
}

/**
 * Answers a bare "1"–"3" that picks one of the questions offered in the bot's previous message.
 * It runs before intent detection, which would otherwise take a lone digit for small talk. The
 * offer is dropped by the next message whatever it is: later, a bare "2" means something else.
 */
export function answerPickedChoice(options: ChoicePickOptions): BotMiddleware {
  const ttlMs = options.choicesTtlMs ?? defaultChoicesTtlMs;
  return async function answerPickedChoiceMiddleware(ctx, next) {
    if (!ctx.text) return next();
    const memory = choiceMemory(options.cache, ctx.workspaceId, ctx.conversation.id, ttlMs);
    const offered = await memory.recall();
    if (!offered) return next();
    await memory.forget();
    const number = choiceNumber(ctx.text);
    const picked = number === undefined ? undefined : offered[number - 1];
    if (!picked) return next();
    // The customer said which question they meant: no doubt is left about the entry.
    recordKnowledgeOutcome(ctx, { outcome: 'picked', confidence: 1 });
    ctx.reply(answerReply(picked, 1));
  };
}
