/**
 * Kefu with an LLM configured (`LLM_BASE_URL` pointed at a local OpenAI-compatible stub, so the
 * real `@ai-sdk/openai-compatible` provider runs): a follower of the sandbox Official Account asks
 * a question of the demo knowledge base and gets the model's grounded answer with its source; the
 * model saw the retrieved passages; a follow-up is rewritten with the conversation's last turns.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startOpenAiCompatibleStub, type OpenAiCompatibleStub, type StubRequest } from './support/openai-compatible-stub.ts';
import { startTestKefu, type TestKefu } from './support/kefu.ts';

const hoursAnswer = '茶语时光门店每天10:00–22:00营业，节假日照常营业；万象城店和大学城店周五、周六延长到23:00。';
const stubAnswer = '周六万象城店和大学城店营业到23:00，其他门店到22:00。';

const promptOf = (request: StubRequest) => request.body.messages.map((message) => message.content).join('\n');
const isRewrite = (request: StubRequest) => promptOf(request).includes('standalone question');

let stub: OpenAiCompatibleStub;
let kefu: TestKefu;
beforeAll(async () => {
  stub = await startOpenAiCompatibleStub((request) => {
    if (isRewrite(request)) return JSON.stringify({ question: '周日的营业时间是什么？' });
    const prompt = promptOf(request);
    // Grounded like a real model: answer only when the hours passage was retrieved, citing it.
    return prompt.includes('id: hours')
      ? JSON.stringify({ answerable: true, answer: stubAnswer, citations: ['hours'] })
      : JSON.stringify({ answerable: false, answer: '', citations: [] });
  });
  // A generous deadline: on a loaded test machine a call can take seconds, and the extractive
  // fallback it would trigger is tested with the mock models (handlers/llm-answer.test.ts).
  kefu = await startTestKefu({ LLM_BASE_URL: stub.baseUrl, LLM_API_KEY: 'stub-key', LLM_MODEL: 'stub-chat', LLM_TIMEOUT_MS: '20000' });
  // The process's first model call pays for lazy initialisation (≈1 s on a busy machine), which
  // can push the answer past the passive-reply budget; one question from another follower warms up.
  await kefu.sandboxes.get('demo-oa')!.sendText('o_warm_up', '外卖配送费多少钱？');
  stub.requests.length = 0;
});
/** Send `text` as follower `openId`; the bot's reply, passive or (when slower) through the API. */
async function ask(openId: string, text: string): Promise<string | undefined> {
  const sandbox = kefu.sandboxes.get('demo-oa')!;
  const before = sandbox.lastSequence(openId);
  await sandbox.sendText(openId, text);
  const [reply] = await sandbox.waitForReplies(openId, { afterSequence: before, timeoutMs: 25_000 });
  return reply?.content;
}

afterAll(async () => {
  await kefu?.close();
  await stub?.close();
});

test('a question gets the model’s grounded answer with its source; the model saw the retrieved passages', async () => {
  expect(await ask('o_llm', '周六晚上开到几点？')).toBe(`${stubAnswer}\n\n来源：你们几点开门？几点关门？`);

  expect(stub.requests).toHaveLength(1);
  const [request] = stub.requests;
  expect(request!.path).toBe('/v1/chat/completions');
  expect(request!.headers.authorization).toBe('Bearer stub-key');
  expect(request!.body).toMatchObject({ model: 'stub-chat', response_format: { type: 'json_object' } });
  expect(promptOf(request!)).toContain('客户问题：周六晚上开到几点？');
  expect(promptOf(request!)).toContain(`内容: ${hoursAnswer}`);
});

test('a follow-up is rewritten with the conversation’s last turns before it is answered', async () => {
  const before = stub.requests.length;
  expect(await ask('o_llm', '那周日呢？')).toContain(stubAnswer);
  const [rewrite, answer] = stub.requests.slice(before);
  expect(isRewrite(rewrite!)).toBe(true);
  expect(promptOf(rewrite!)).toContain('客户：周六晚上开到几点？');
  expect(promptOf(rewrite!)).toContain(`客服：${stubAnswer}`);
  expect(promptOf(answer!)).toContain('客户问题：周日的营业时间是什么？');
});
