import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelSendError } from '../../bot/errors.ts';
import { createMemoryCache } from '../../bot/ports/memory-cache.ts';
import { createMemoryLock } from '../../bot/ports/memory-lock.ts';
import type { OutboundReply } from '../../bot/model.ts';
import type { FetchFunction } from './api-client.ts';
import { createWechatOfficialAdapter } from './index.ts';
import { customMessages } from './outbound.ts';
import { createWechatOfficialSandbox } from './sandbox.ts';
import { serveAdapter, type AdapterTestServer } from './webhook-test-server.ts';

const config = { id: 'oa-outbound', appId: 'wxoutbound0000001', appSecret: 'outbound-secret', token: 'outboundtoken' };
const sandbox = createWechatOfficialSandbox({ ...config, tryTimeoutMs: 500 });
let adapter: ReturnType<typeof createWechatOfficialAdapter>;
let server: AdapterTestServer;
let follower = 0;

const text = (value: string): OutboundReply => ({ parts: [{ type: 'text', text: value }] });
const send = (openId: string, reply: OutboundReply) => adapter.postMessage({ platformThreadId: openId, platformUserId: openId }, reply);
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

/** A follower who just wrote to the account (so the 48 h window is open). */
async function activeFollower(): Promise<string> {
  const openId = `o-outbound-${(follower += 1)}`;
  expect((await sandbox.sendText(openId, '你好')).outcome).toBe('acknowledged');
  return openId;
}

beforeAll(async () => {
  const { apiBaseUrl } = await sandbox.listen();
  adapter = createWechatOfficialAdapter({ ...config, apiBaseUrl }, { cache: createMemoryCache(), lock: createMemoryLock() });
  server = await serveAdapter(adapter);
  sandbox.setWebhookUrl(server.webhookUrl);
});
afterAll(async () => {
  await server.close();
  await sandbox.close();
});

describe('postMessage through the customer-service API', () => {
  it('delivers text and images, and two concurrent sends fetch one token', async () => {
    const openId = await activeFollower();
    const tokensBefore = sandbox.stats().tokenRequests;
    await Promise.all([send(openId, text('第一条')), send(openId, { parts: [{ type: 'text', text: '第二条' }, { type: 'image', mediaId: 'media-42' }] })]);
    expect(sandbox.stats().tokenRequests - tokensBefore).toBe(1);
    const inbox = sandbox.inbox(openId);
    expect(inbox.map((reply) => reply.via)).toEqual(['api', 'api', 'api']);
    expect(inbox.map((reply) => reply.content ?? reply.mediaId).sort()).toEqual(['media-42', '第一条', '第二条']);
  });

  it('refreshes a revoked (40001) or expired (42001) token and retries once', async () => {
    const openId = await activeFollower();
    await send(openId, text('warm-up'));
    for (const spoil of [() => sandbox.revokeTokens(), () => sandbox.expireTokens()]) {
      spoil();
      const before = sandbox.stats();
      await send(openId, text('after refresh'));
      const after = sandbox.stats();
      expect(after.tokenRequests - before.tokenRequests).toBe(1);
      expect(after.sendRequests - before.sendRequests).toBe(2);
    }
    expect(sandbox.inbox(openId).at(-1)?.content).toBe('after refresh');
  });

  it('maps 45015 (no message in 48 h) to a non-retryable error with platformCode', async () => {
    const error = await failure(send('o-never-wrote', text('hello?')));
    expect(error).toBeInstanceOf(ChannelSendError);
    expect(error).toMatchObject({ retryable: false, platformCode: '45015', code: 'send_failed' });
  });

  it('maps 45047 (sixth message for one user message) to a non-retryable error', async () => {
    const openId = await activeFollower();
    for (let index = 1; index <= 5; index += 1) await send(openId, text(`#${index}`));
    await expect(send(openId, text('#6'))).rejects.toMatchObject({ retryable: false, platformCode: '45047' });
    await sandbox.sendText(openId, '再问一个');
    await expect(send(openId, text('#1 again'))).resolves.toEqual({});
  });

  it('treats system busy and quota errors as retryable', async () => {
    const openId = await activeFollower();
    for (const errcode of [-1, 45009, 45011]) {
      sandbox.failNextSends(errcode);
      await expect(send(openId, text('x'))).rejects.toMatchObject({ retryable: true, platformCode: String(errcode) });
    }
    sandbox.failNextSends(48001);
    await expect(send(openId, text('x'))).rejects.toMatchObject({ retryable: false, platformCode: '48001' });
  });

  it('truncates long text to what WeChat accepts (2048 bytes)', async () => {
    const openId = await activeFollower();
    await send(openId, text('长'.repeat(3000)));
    const content = sandbox.inbox(openId).at(-1)?.content ?? '';
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(2048);
    expect(content.endsWith('…')).toBe(true);
  });

  it('never puts the access_token or secret into errors', async () => {
    const openId = await activeFollower();
    sandbox.failNextSends(40003);
    const error = (await failure(send(openId, text('x')))) as Error;
    expect(`${error.message} ${JSON.stringify(error)}`).not.toMatch(/sandbox-|outbound-secret|access_token=/);
  });

  it('refuses a reply with nothing to show', async () => {
    await expect(send('o-any', { parts: [{ type: 'image' }] })).rejects.toMatchObject({ retryable: false, code: 'empty_reply' });
  });
});

describe('transport failures (injected fetch)', () => {
  const fakeAdapter = (fetchFunction: FetchFunction) =>
    createWechatOfficialAdapter({ ...config, apiBaseUrl: 'http://wechat.invalid' }, { cache: createMemoryCache(), lock: createMemoryLock(), fetch: fetchFunction });
  const target = { platformThreadId: 'o1', platformUserId: 'o1' };
  const tokenAnswer = () => Response.json({ access_token: 'fake-token', expires_in: 7200 });

  it('retries a token error exactly once, then gives up retryably', async () => {
    const calls: string[] = [];
    const fake: FetchFunction = async (input) => {
      calls.push(new URL(input).pathname);
      return input.includes('/cgi-bin/token') ? tokenAnswer() : Response.json({ errcode: 40001, errmsg: 'invalid credential' });
    };
    await expect(fakeAdapter(fake).postMessage(target, text('x'))).rejects.toMatchObject({ retryable: true, platformCode: '40001' });
    expect(calls).toEqual(['/cgi-bin/token', '/cgi-bin/message/custom/send', '/cgi-bin/token', '/cgi-bin/message/custom/send']);
  });

  it('maps network errors and 5xx to retryable, other HTTP errors to non-retryable', async () => {
    const answers: Array<[() => Promise<Response>, boolean]> = [
      [async () => Promise.reject(new TypeError('fetch failed')), true],
      [async () => new Response('oops', { status: 503 }), true],
      [async () => new Response('<html>', { status: 200 }), true],
      [async () => new Response('nope', { status: 404 }), false],
    ];
    for (const [answer, retryable] of answers) {
      const fake: FetchFunction = (input) => (input.includes('/cgi-bin/token') ? Promise.resolve(tokenAnswer()) : answer());
      await expect(fakeAdapter(fake).postMessage(target, text('x'))).rejects.toMatchObject({ retryable });
    }
  });
});

describe('customMessages', () => {
  it('builds the JSON bodies of the custom-send API', () => {
    expect(customMessages('o1', { parts: [{ type: 'text', text: 'hi' }, { type: 'image', mediaId: 'm1' }, { type: 'image', url: 'x' }] })).toEqual([
      { touser: 'o1', msgtype: 'text', text: { content: 'hi' } },
      { touser: 'o1', msgtype: 'image', image: { media_id: 'm1' } },
    ]);
  });
});
