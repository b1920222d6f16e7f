import { embed, generateText } from 'ai';
import { describe, expect, test } from 'vitest';
import { createLlmProvider } from './provider.ts';

/** A fetch that records requests and answers each path with a canned OpenAI-format body. */
function recordingFetch(bodies: Record<string, unknown>) {
  const requests: Array<{ url: string; headers: Headers; body: Record<string, unknown> }> = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = String(input);
    requests.push({ url, headers: new Headers(init?.headers), body: JSON.parse(String(init?.body)) });
    const path = Object.keys(bodies).find((suffix) => url.endsWith(suffix));
    return new Response(JSON.stringify(path ? bodies[path] : {}), { status: path ? 200 : 404, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, requests };
}

describe('createLlmProvider', () => {
  test('the chat model calls <baseUrl>/chat/completions with the key and model', async () => {
    const { fetch, requests } = recordingFetch({
      '/chat/completions': { id: 'x', created: 0, model: 'qwen-plus', choices: [{ index: 0, message: { role: 'assistant', content: '好的' }, finish_reason: 'stop' }] },
    });
    const { languageModel, embeddingModel } = createLlmProvider({ baseUrl: 'https://dashscope.example/compatible-mode/v1/', apiKey: 'sk-1', model: 'qwen-plus' }, { fetch });
    expect(embeddingModel).toBeUndefined();
    await expect(generateText({ model: languageModel, prompt: '你好' })).resolves.toMatchObject({ text: '好的' });
    expect(requests[0]).toMatchObject({ url: 'https://dashscope.example/compatible-mode/v1/chat/completions', body: { model: 'qwen-plus' } });
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer sk-1');
  });

  test('an embedding model is exposed when configured; no key means no Authorization header', async () => {
    const { fetch, requests } = recordingFetch({ '/embeddings': { data: [{ embedding: [0.1, 0.2], index: 0 }], usage: { prompt_tokens: 2 } } });
    const { embeddingModel } = createLlmProvider({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b', embeddingModel: 'bge-m3' }, { fetch });
    await expect(embed({ model: embeddingModel!, value: '营业时间' })).resolves.toMatchObject({ embedding: [0.1, 0.2] });
    expect(requests[0]).toMatchObject({ url: 'http://127.0.0.1:11434/v1/embeddings', body: { model: 'bge-m3', input: ['营业时间'] } });
    expect(requests[0]!.headers.get('authorization')).toBeNull();
  });
});
