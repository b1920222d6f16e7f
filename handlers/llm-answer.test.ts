/**
 * The knowledge answer with a language model, through the default pipeline on the demo knowledge
 * base: grounded, cited answers; declines, bad citations, errors and timeouts that leave the
 * customer with exactly the answer they would get without a model; follow-ups rewritten with the
 * conversation's last turns.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { BotContext } from '../bot/context.ts';
import { textOf, type ChannelType } from '../bot/model.ts';
import { createMemoryCache } from '../bot/ports/memory-cache.ts';
import { demoEntries } from '../knowledge/__fixtures__/demo-entries.ts';
import type { ConversationTurn } from '../knowledge/answer/follow-up-rewriter.ts';
import { createIntentDetector } from '../knowledge/intents/intent-detector.ts';
import { STARTER_INTENTS, STARTER_OUT_OF_SCOPE_EXAMPLES } from '../knowledge/intents/starter-intents.ts';
import { callOf, scriptedModel, type ScriptedAnswer, type ScriptedCall } from '../knowledge/llm/__fixtures__/scripted-model.ts';
import { createStaticRetriever } from '../knowledge/retriever.ts';
import { createDefaultPipeline } from './default-pipeline.ts';
import { clarifyPrompt } from './knowledge-answer.ts';
import type { LlmAnswerOptions } from './llm-answer.ts';

const retriever = createStaticRetriever(demoEntries());
const intents = createIntentDetector({ intents: STARTER_INTENTS, outOfScopeExamples: STARTER_OUT_OF_SCOPE_EXAMPLES });
const hoursAnswer = '茶语时光门店每天10:00–22:00营业，节假日照常营业；万象城店和大学城店周五、周六延长到23:00。';
const isRewrite = (call: ScriptedCall) => call.system.includes('standalone question');

/** Send `text` through the default pipeline with `llm`; the one reply, the log lines and the state. */
async function ask(text: string, llm: Omit<LlmAnswerOptions, 'model'> & { script: (call: ScriptedCall) => ScriptedAnswer }, channelType: ChannelType = 'wechat-official') {
  const model = scriptedModel(llm.script);
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, new Writable({ write: (chunk, _, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
  const ctx = new BotContext({
    workspaceId: 'w',
    channel: { id: 'channel-1', type: channelType },
    conversation: { id: 'c1', kind: 'direct', status: 'bot', platformThreadId: 'u1' },
    contact: { id: 'contact-1' },
    message: { id: 'm1', platformUserId: 'u1', parts: [{ type: 'text', text }], mentions: [], fromSelf: false, mentionsBot: false },
    log,
    traceId: 't1',
  });
  await createDefaultPipeline({ retriever, intents, cache: createMemoryCache(), llm: { ...llm, model } })(ctx);
  expect(ctx.replies).toHaveLength(1);
  const reply = ctx.replies[0]!;
  return { reply: { ...reply, text: textOf(reply.parts) }, calls: model.doGenerateCalls.map(callOf), lines, state: ctx.state };
}

/** Without a model: what the customer gets today. */
async function askWithoutModel(text: string) {
  const ctx = new BotContext({
    workspaceId: 'w',
    channel: { id: 'channel-1', type: 'wechat-official' },
    conversation: { id: 'c2', kind: 'direct', status: 'bot', platformThreadId: 'u2' },
    contact: { id: 'contact-2' },
    message: { id: 'm2', platformUserId: 'u2', parts: [{ type: 'text', text }], mentions: [], fromSelf: false, mentionsBot: false },
    log: pino({ level: 'silent' }),
    traceId: 't2',
  });
  await createDefaultPipeline({ retriever, intents, cache: createMemoryCache() })(ctx);
  return ctx.replies[0];
}

describe('knowledge answer with a language model', () => {
  test('the model’s grounded answer goes out cited, as plain text on WeChat, with the retrieval’s confidence', async () => {
    const { reply, calls } = await ask('周六晚上开到几点？', {
      script: () => ({ answerable: true, answer: '**周六**万象城店和大学城店营业到23:00，其他门店到22:00 [1]。', citations: ['hours'] }),
    });
    expect(reply.text).toBe('周六万象城店和大学城店营业到23:00，其他门店到22:00。');
    expect(reply.intent).toBe('faq');
    expect(reply.citations).toEqual([expect.objectContaining({ id: 'hours', title: '你们几点开门？几点关门？' })]);
    expect(reply.confidence).toEqual(expect.any(Number));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.prompt).toContain(hoursAnswer);
  });

  test('on DingTalk the answer keeps its Markdown', async () => {
    const { reply } = await ask('周六晚上开到几点？', { script: () => ({ answerable: true, answer: '**周六**营业到23:00。', citations: ['hours'] }) }, 'dingtalk');
    expect(reply.text).toBe('**周六**营业到23:00。');
  });

  test('when the model declines, the customer gets what they would without it: answer, question back or fallback', async () => {
    const decline = () => ({ answerable: false, answer: '', citations: [] });
    for (const text of ['你们晚上几点关门', '外卖', '今天天气怎么样']) {
      const { reply } = await ask(text, { script: decline });
      const without = (await askWithoutModel(text))!;
      expect({ ...reply, text: undefined }).toEqual({ ...without, text: undefined });
    }
    expect((await ask('你们晚上几点关门', { script: decline })).reply.text).toBe(hoursAnswer);
    expect((await ask('外卖', { script: decline })).reply.text.startsWith(clarifyPrompt)).toBe(true);
    expect((await ask('今天天气怎么样', { script: decline })).reply.intent).toBe('fallback');
  });

  test('an answer citing only passages it was not given is not sent; the extractive answer is', async () => {
    const { reply, lines } = await ask('你们晚上几点关门', {
      script: () => ({ answerable: true, answer: '我们24小时营业。', citations: ['always-open'] }),
    });
    expect(reply.text).toBe(hoursAnswer);
    expect(reply.citations).toEqual([expect.objectContaining({ id: 'hours' })]);
    expect(lines.some((line) => JSON.stringify(line.rejectedCitations) === '["always-open"]')).toBe(true);
  });

  test('a model that misses the deadline or fails leaves the extractive answer, and the log says why', async () => {
    const started = performance.now();
    const slow = await ask('你们晚上几点关门', { script: () => 'hang', timeoutMs: 100 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(slow.reply).toMatchObject({ text: hoursAnswer, intent: 'faq', citations: [{ id: 'hours' }] });
    expect(slow.lines.some((line) => line.level === 40 && line.code === 'llm_timeout')).toBe(true);

    const broken = await ask('你们晚上几点关门', { script: () => new Error('503 Service Unavailable') });
    expect(broken.reply).toMatchObject({ text: hoursAnswer, citations: [{ id: 'hours' }] });
    expect(broken.lines.some((line) => line.level === 40 && line.code === 'llm_failed')).toBe(true);
    expect(broken.state.llmAnswer).toBe('failed');
  });

  describe('follow-up questions', () => {
    const turns: ConversationTurn[] = [
      { role: 'customer', text: '你们几点开门' },
      { role: 'bot', text: hoursAnswer },
    ];
    const answerCiting = (id: string) => ({ answerable: true, answer: '周末照常10:00–22:00营业，周六部分门店到23:00。', citations: [id] });

    test('are rewritten with the last turns before retrieval and answering', async () => {
      const { reply, calls, state } = await ask('那周末呢？', {
        history: async ({ conversationId, messageId }) => (conversationId === 'c1' && messageId === 'm1' ? turns : []),
        script: (call) => (isRewrite(call) ? { question: '周末的营业时间是什么？' } : answerCiting('hours')),
      });
      expect(calls).toHaveLength(2);
      expect(calls[0]!.prompt).toContain('客户：你们几点开门');
      expect(calls[1]!.prompt).toContain('客户问题：周末的营业时间是什么？');
      expect(calls[1]!.prompt).toContain('id: hours');
      expect(state.question).toBe('周末的营业时间是什么？');
      expect(reply.citations).toEqual([expect.objectContaining({ id: 'hours' })]);
    });

    test('without history the message is used as written and only the answer is asked for', async () => {
      const { calls } = await ask('那周末呢？', { history: async () => [], script: () => answerCiting('hours') });
      expect(calls).toHaveLength(1);
      expect(calls[0]!.prompt).toContain('客户问题：那周末呢？');
    });

    test('a failed rewrite keeps the message as written', async () => {
      const { calls, lines } = await ask('你们晚上几点关门', {
        history: async () => turns,
        script: (call) => (isRewrite(call) ? new Error('rate limited') : answerCiting('hours')),
      });
      expect(calls[1]!.prompt).toContain('客户问题：你们晚上几点关门');
      expect(lines.some((line) => line.code === 'llm_failed')).toBe(true);
    });
  });
});
