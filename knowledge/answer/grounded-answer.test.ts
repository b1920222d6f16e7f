import { describe, expect, test } from 'vitest';
import { demoEntries } from '../__fixtures__/demo-entries.ts';
import { scriptedModel, type ScriptedAnswer } from '../llm/__fixtures__/scripted-model.ts';
import { LlmCallError } from '../llm/llm-call.ts';
import type { RetrievalHit } from '../types.ts';
import { createGroundedAnswerComposer } from './grounded-answer.ts';

const entries = demoEntries();
const passages: RetrievalHit[] = ['hours', 'stores', 'delivery-fee'].map((id, index) => ({
  entry: entries.find((entry) => entry.id === id)!,
  score: 10 - index,
}));

function compose(answer: ScriptedAnswer, timeoutMs = 1000) {
  const model = scriptedModel(() => answer);
  const composer = createGroundedAnswerComposer({ model });
  const result = composer.compose({
    question: '周末几点关门？',
    passages,
    channelType: 'wechat-official',
    abortSignal: AbortSignal.timeout(timeoutMs),
  });
  return { model, result };
}

describe('createGroundedAnswerComposer', () => {
  test('answers from the passages it cites; the prompt numbers each passage with its id and source', async () => {
    const { model, result } = compose({ answerable: true, answer: '**周五、周六**万象城店和大学城店营业到23:00 [1]。', citations: ['hours'] });
    await expect(result).resolves.toEqual({
      outcome: 'answer',
      text: '周五、周六万象城店和大学城店营业到23:00。',
      cited: [passages[0]],
      citations: [{ id: 'hours', title: '你们几点开门？几点关门？', score: 10 }],
      rejectedCitations: [],
    });
    const call = model.doGenerateCalls[0]!;
    expect(call.responseFormat).toMatchObject({ type: 'json' });
    const prompt = JSON.stringify(call.prompt);
    expect(prompt).toContain('[1] id: hours');
    expect(prompt).toContain('来源: milk-tea-faq.tsv');
    expect(prompt).toContain('[3] id: delivery-fee');
    expect(prompt).toContain('周末几点关门？');
    expect(prompt).toContain('不要使用 Markdown');
  });

  test('declines when the model says the passages do not hold the answer', async () => {
    await expect(compose({ answerable: false, answer: '', citations: [] }).result).resolves.toMatchObject({
      outcome: 'decline',
      reason: 'unanswerable',
    });
  });

  test('drops citations of passages it was not given, and declines when none is left', async () => {
    await expect(compose({ answerable: true, answer: '门店在月球。', citations: ['moon-store'] }).result).resolves.toEqual({
      outcome: 'decline',
      reason: 'no-valid-citation',
      rejectedCitations: ['moon-store'],
    });
    const mixed = await compose({ answerable: true, answer: '每天10:00–22:00营业。', citations: ['[hours]', 'refund-policy'] }).result;
    expect(mixed).toMatchObject({ outcome: 'answer', cited: [passages[0]], rejectedCitations: ['refund-policy'] });
  });

  test('a model that does not answer in time is a timeout error, even if it ignores the abort signal', async () => {
    const started = performance.now();
    const { result } = compose('hang', 50);
    await expect(result).rejects.toSatisfy((error) => error instanceof LlmCallError && error.code === 'llm_timeout');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('a failing model or malformed output is an llm_failed error', async () => {
    await expect(compose(new Error('502 Bad Gateway')).result).rejects.toMatchObject({ code: 'llm_failed' });
    await expect(compose({ answer: 'no answerable field' }).result).rejects.toMatchObject({ code: 'llm_failed' });
  });
});
