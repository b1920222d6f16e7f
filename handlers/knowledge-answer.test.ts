/**
 * The knowledge answer as a customer meets it, through the default pipeline on the demo knowledge
 * base: direct answers with their source, questions asked back and picked by number, the fallback.
 */
import { describe, expect, test } from 'vitest';
import { BotContext } from '../bot/context.ts';
import { createLogger } from '../bot/logger.ts';
import { textOf } from '../bot/model.ts';
import type { Cache } from '../bot/ports/cache.ts';
import { createMemoryCache } from '../bot/ports/memory-cache.ts';
import { demoEntries } from '../knowledge/__fixtures__/demo-entries.ts';
import { createIntentDetector } from '../knowledge/intents/intent-detector.ts';
import { STARTER_INTENTS, STARTER_OUT_OF_SCOPE_EXAMPLES } from '../knowledge/intents/starter-intents.ts';
import { contentHashOf } from '../knowledge/knowledge-repository.ts';
import { createKnowledgeRetriever, createStaticRetriever } from '../knowledge/retriever.ts';
import type { KnowledgeRetriever } from '../knowledge/types.ts';
import { createDefaultPipeline } from './default-pipeline.ts';
import { clarifyPrompt } from './knowledge-answer.ts';

const retriever = createStaticRetriever(demoEntries());
const log = createLogger({ level: 'silent' });
const intents = createIntentDetector({ intents: STARTER_INTENTS, outOfScopeExamples: STARTER_OUT_OF_SCOPE_EXAMPLES });

let messages = 0;
function contextFor(conversationId: string, text: string): BotContext {
  messages += 1;
  return new BotContext({
    workspaceId: 'w',
    channel: { id: 'web-1', type: 'web' },
    conversation: { id: conversationId, kind: 'direct', status: 'bot', platformThreadId: conversationId },
    contact: { id: `contact-${conversationId}` },
    message: { id: `m${messages}`, platformUserId: conversationId, parts: [{ type: 'text', text }], mentions: [], fromSelf: false, mentionsBot: false },
    log,
    traceId: `t${messages}`,
  });
}

/** A chat with the default pipeline (starter intents, demo knowledge) over `cache`. */
function chat(cache: Cache = createMemoryCache(), knowledge: KnowledgeRetriever = retriever) {
  const pipeline = createDefaultPipeline({ retriever: knowledge, intents, cache });
  return async (conversationId: string, text: string) => {
    const ctx = contextFor(conversationId, text);
    await pipeline(ctx);
    expect(ctx.replies).toHaveLength(1);
    const reply = ctx.replies[0]!;
    return { ...reply, text: textOf(reply.parts) };
  };
}

/** What a bare number gets when it picks nothing: some other reply, not an entry's answer. */
function expectNotAnAnswer(reply: { intent?: string; citations?: unknown }) {
  expect(reply.intent).not.toBe('faq');
  expect(reply.citations).toBeUndefined();
}

const numberedTitles = (text: string) => text.split('\n').slice(1).map((line) => /^\d\. (.+)$/.exec(line)?.[1]);

describe('knowledge answer', () => {
  test('a clear question gets the entry’s answer, cited, with its confidence', async () => {
    const reply = await chat()('c1', '你们晚上几点关门');
    expect(reply.text).toContain('10:00–22:00');
    expect(reply.intent).toBe('faq');
    expect(reply.confidence).toBeGreaterThanOrEqual(0.95);
    expect(reply.citations).toEqual([expect.objectContaining({ id: 'hours', title: '你们几点开门？几点关门？' })]);
  });

  test('a message that meets an entry only through a workspace synonym is answered from it', async () => {
    const entries = demoEntries().map((entry) => ({ ...entry, knowledgeBaseId: 'kb', contentHash: contentHashOf(entry) }));
    const withLexicon = (synonyms: Record<string, string>) =>
      createKnowledgeRetriever({
        source: { publishedStamp: async () => '1', loadPublishedEntries: async () => entries, loadLexicon: async () => ({ synonyms }) },
      });
    expect((await chat(createMemoryCache(), withLexicon({}))('c1', '税务收据')).intent).toBe('fallback');
    const reply = await chat(createMemoryCache(), withLexicon({ 税务收据: '发票' }))('c1', '税务收据');
    expect(reply).toMatchObject({ intent: 'faq', citations: [expect.objectContaining({ id: 'invoice' })] });
  });

  test('an off-topic question gets the fallback, not a guess', async () => {
    const reply = await chat()('c1', '今天天气怎么样');
    expect(reply.intent).toBe('fallback');
    expect(reply.citations).toBeUndefined();
  });

  test('a vague question is asked back; the number picked gets that answer, cited', async () => {
    const say = chat();
    const question = await say('c1', '外卖');
    expect(question.intent).toBe('faq-clarify');
    expect(question.citations).toBeUndefined();
    expect(question.text.startsWith(`${clarifyPrompt}\n1. `)).toBe(true);
    const titles = numberedTitles(question.text);
    expect(titles).toHaveLength(3);
    expect(titles).toContain('外卖配送费多少钱？');

    const picked = await say('c1', '２');
    const entry = demoEntries().find((candidate) => candidate.question === titles[1])!;
    expect(picked.text).toBe(entry.answer);
    expect(picked).toMatchObject({ intent: 'faq', confidence: 1, citations: [{ id: entry.id, title: entry.question }] });
  });

  test('Chinese numerals pick too, and the offer is forgotten once used', async () => {
    const say = chat();
    const titles = numberedTitles((await say('c1', '会员')).text);
    expect((await say('c1', '三')).citations?.[0]?.title).toBe(titles[2]);
    // The same number again is a new message, not a pick from the old list.
    expectNotAnAnswer(await say('c1', '三'));
  });

  test('any other message drops the offered questions', async () => {
    const say = chat();
    await say('c1', '外卖');
    expect((await say('c1', '你们几点开门')).citations?.[0]?.id).toBe('hours');
    expectNotAnAnswer(await say('c1', '1'));
  });

  test('offered questions belong to their conversation', async () => {
    const say = chat();
    await say('c1', '外卖');
    expectNotAnAnswer(await say('c2', '1'));
    expect((await say('c1', '1')).intent).toBe('faq');
  });

  test('offered questions are kept for 10 minutes', async () => {
    let now = 0;
    const say = chat(createMemoryCache({ now: () => now }));
    await say('c1', '外卖');
    now = 9 * 60_000;
    expect((await say('c1', '1')).intent).toBe('faq');
    await say('c1', '外卖');
    now += 10 * 60_000 + 1;
    expectNotAnAnswer(await say('c1', '1'));
  });
});
