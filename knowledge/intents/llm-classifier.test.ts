import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { createIntentDetector } from './intent-detector.ts';
import { buildIntentPrompt, createLlmClassifier } from './llm-classifier.ts';
import { STARTER_INTENTS, STARTER_OUT_OF_SCOPE_EXAMPLES } from './starter-intents.ts';

function answering(...texts: string[]): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    doGenerate: texts.map((text) => ({
      content: [{ type: 'text' as const, text }],
      finishReason: { unified: 'stop' as const, raw: 'stop' },
      usage: {
        inputTokens: { total: 100, noCache: 100, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 10, text: 10, reasoning: 0 },
      },
      warnings: [],
    })),
  });
}

function promptText(model: MockLanguageModelV3): string {
  return JSON.stringify(model.doGenerateCalls[0]?.prompt);
}

describe('createLlmClassifier', () => {
  it('returns the structured answer of the model', async () => {
    const model = answering('{"intent":"refund","confidence":0.87}');
    const classifier = createLlmClassifier({ model, intents: STARTER_INTENTS });
    await expect(classifier.detect('东西坏了，钱能退我吗')).resolves.toEqual({ intent: 'refund', confidence: 0.87, source: 'llm' });
    expect(model.doGenerateCalls[0]?.responseFormat).toMatchObject({ type: 'json' });
    expect(promptText(model)).toContain('东西坏了，钱能退我吗');
    expect(promptText(model)).toContain('order_status');
  });

  it('rejects an intent outside the catalogue', async () => {
    const classifier = createLlmClassifier({ model: answering('{"intent":"weather","confidence":0.9}'), intents: STARTER_INTENTS });
    await expect(classifier.detect('明天下雨吗')).rejects.toThrow();
  });

  it('lists every intent, its examples and oos in the system prompt', () => {
    const prompt = buildIntentPrompt(STARTER_INTENTS, 2);
    for (const intent of STARTER_INTENTS) expect(prompt).toContain(`- ${intent.name}:`);
    expect(prompt).toContain('「转人工」');
    expect(prompt).toContain('- oos:');
  });
});

describe('createIntentDetector', () => {
  const intents = STARTER_INTENTS;
  const outOfScopeExamples = STARTER_OUT_OF_SCOPE_EXAMPLES;

  it('answers sure cases by rule without calling the model', async () => {
    const model = answering('{"intent":"oos","confidence":0.9}');
    const detector = createIntentDetector({ intents, outOfScopeExamples, model });
    await expect(detector.detect('转人工')).resolves.toMatchObject({ intent: 'human_agent', source: 'rule' });
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it('keeps confident classifier answers and asks the model when unsure', async () => {
    const model = answering('{"intent":"delivery","confidence":0.8}');
    const detector = createIntentDetector({ intents, outOfScopeExamples, model, llmThreshold: 0.99 });
    const prediction = await detector.detect('东西能寄到新疆吗');
    expect(prediction).toMatchObject({ intent: 'delivery', source: 'llm' });
    expect(prediction.alternatives?.some((alternative) => alternative.intent === 'delivery')).toBe(false);
    expect(model.doGenerateCalls).toHaveLength(1);

    const confident = createIntentDetector({ intents, outOfScopeExamples, model: answering('{"intent":"oos","confidence":1}'), llmThreshold: 0 });
    await expect(confident.detect('东西能寄到新疆吗')).resolves.toMatchObject({ source: 'classifier' });
  });

  it('falls back to the classifier when the model fails', async () => {
    const errors: unknown[] = [];
    const broken = new MockLanguageModelV3({ doGenerate: async () => { throw new Error('endpoint down'); } });
    const detector = createIntentDetector({ intents, outOfScopeExamples, model: broken, llmThreshold: 1.01, onLlmError: (error) => errors.push(error) });
    await expect(detector.detect('我的包裹咋还不来')).resolves.toMatchObject({ source: 'classifier' });
    expect(errors).toHaveLength(1);
  });

  it('routes the starter set without a model', async () => {
    const detector = createIntentDetector({ intents, outOfScopeExamples });
    expect((await detector.detect('我的包裹咋还不来')).intent).toBe('order_status');
    expect((await detector.detect('能寄到新疆吗')).intent).toBe('delivery');
    expect((await detector.detect('这款耳机防水吗')).intent).toBe('oos');
  });

  it('refuses reserved or duplicate intent names', () => {
    expect(() => createIntentDetector({ intents: [{ name: 'oos', examples: ['x'] }] })).toThrow(/reserved/);
    expect(() => createIntentDetector({ intents: [{ name: 'a', examples: ['x'] }, { name: 'a', examples: ['y'] }] })).toThrow(/twice/);
  });
});
