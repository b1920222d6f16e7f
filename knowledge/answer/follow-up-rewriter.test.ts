import { describe, expect, test } from 'vitest';
import { callOf, scriptedModel } from '../llm/__fixtures__/scripted-model.ts';
import { rewriteFollowUp, type ConversationTurn } from './follow-up-rewriter.ts';

const turns: ConversationTurn[] = [
  { role: 'customer', text: '你们几点开门？' },
  { role: 'bot', text: '茶语时光门店每天10:00–22:00营业，节假日照常营业。' },
];
const signal = () => AbortSignal.timeout(1000);

describe('rewriteFollowUp', () => {
  test('rewrites a follow-up with the last turns into a standalone question', async () => {
    const model = scriptedModel(() => ({ question: '周末的营业时间是什么？' }));
    await expect(rewriteFollowUp({ model, message: '那周末呢？', turns, abortSignal: signal() })).resolves.toBe('周末的营业时间是什么？');
    const call = callOf(model.doGenerateCalls[0]!);
    expect(call.prompt).toContain('客户：你们几点开门？');
    expect(call.prompt).toContain('客服：茶语时光门店每天10:00–22:00营业');
    expect(call.prompt).toContain('最新消息：那周末呢？');
  });

  test('without history the message is kept and the model is not called', async () => {
    const model = scriptedModel(() => ({ question: 'unused' }));
    await expect(rewriteFollowUp({ model, message: '那周末呢？', turns: [], abortSignal: signal() })).resolves.toBe('那周末呢？');
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  test('an empty or over-long rewrite keeps the message', async () => {
    const empty = scriptedModel(() => ({ question: ' ' }));
    await expect(rewriteFollowUp({ model: empty, message: '那周末呢？', turns, abortSignal: signal() })).resolves.toBe('那周末呢？');
    const rambling = scriptedModel(() => ({ question: '周末'.repeat(100) }));
    await expect(rewriteFollowUp({ model: rambling, message: '那周末呢？', turns, abortSignal: signal() })).resolves.toBe('那周末呢？');
  });

  test('failures and timeouts are thrown for the caller to fall back', async () => {
    const broken = scriptedModel(() => new Error('connection refused'));
    await expect(rewriteFollowUp({ model: broken, message: '那周末呢？', turns, abortSignal: signal() })).rejects.toMatchObject({ code: 'llm_failed' });
    const stuck = scriptedModel(() => 'hang');
    await expect(rewriteFollowUp({ model: stuck, message: '那周末呢？', turns, abortSignal: AbortSignal.timeout(30) })).rejects.toMatchObject({ code: 'llm_timeout' });
  });
});
