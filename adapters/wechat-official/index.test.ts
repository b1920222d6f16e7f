import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../bot/errors.ts';
import { createMemoryCache } from '../../bot/ports/memory-cache.ts';
import { createMemoryLock } from '../../bot/ports/memory-lock.ts';
import { officialAccountSample as oa } from '../wechat-crypto/official-vectors.ts';
import { createWechatOfficialAdapter, parseWechatOfficialConfig, wechatOfficialConfigSchema } from './index.ts';
import { createWechatOfficialSandbox, type SandboxMode } from './sandbox.ts';
import { serveAdapter } from './webhook-test-server.ts';

const config = { id: 'demo-oa', appId: oa.appId, appSecret: 'e2e-secret', token: oa.token, encodingAesKey: oa.encodingAesKey };
const dependencies = () => ({ cache: createMemoryCache(), lock: createMemoryLock() });

describe.each<SandboxMode>(['plain', 'compatible', 'safe'])('adapter ↔ sandbox over HTTP, %s mode', (mode) => {
  const sandbox = createWechatOfficialSandbox({ ...config, mode, tryTimeoutMs: 800 });
  const cleanups: Array<() => Promise<void>> = [];
  let adapter: ReturnType<typeof createWechatOfficialAdapter>;

  beforeAll(async () => {
    const { apiBaseUrl } = await sandbox.listen();
    adapter = createWechatOfficialAdapter({ ...config, apiBaseUrl }, dependencies());
    cleanups.push(() => sandbox.close());
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('passes the console URL check', async () => {
    const server = await serveAdapter(adapter);
    cleanups.push(server.close);
    sandbox.setWebhookUrl(server.webhookUrl);
    expect(await sandbox.verifyWebhook()).toBe(true);
  });

  it('answers a follower with a passive reply', async () => {
    const server = await serveAdapter(adapter, (result) =>
      adapter.passiveReply!(result.replyContext, { parts: [{ type: 'text', text: `收到：${result.messages[0]?.parts[0]?.type}` }] }),
    );
    cleanups.push(server.close);
    sandbox.setWebhookUrl(server.webhookUrl);
    const delivery = await sandbox.sendText('o-e2e', '你好');
    expect(delivery).toMatchObject({ outcome: 'replied', tries: 1, reply: { via: 'passive', msgType: 'text', content: '收到：text' } });
    expect(server.requests[0]?.query.encrypt_type === 'aes').toBe(mode !== 'plain');
    const message = server.results[0]?.kind === 'messages' ? server.results[0].messages[0] : undefined;
    expect(message).toMatchObject({ platformMessageId: delivery.callback.fields.MsgId, parts: [{ type: 'text', text: '你好' }] });
  });

  it('acknowledges, then replies through the API inside the window', async () => {
    const server = await serveAdapter(adapter);
    cleanups.push(server.close);
    sandbox.setWebhookUrl(server.webhookUrl);
    const openId = 'o-e2e-api';
    const after = sandbox.lastSequence(openId);
    expect((await sandbox.sendVoice(openId, { recognition: '查订单' })).outcome).toBe('acknowledged');
    const waiting = sandbox.waitForReplies(openId, { afterSequence: after, count: 2, timeoutMs: 2000 });
    const thread = adapter.encodeThreadId(openId);
    const target = { platformThreadId: adapter.decodeThreadId(thread), platformUserId: openId };
    await adapter.postMessage(target, { parts: [{ type: 'text', text: '订单已发货' }], citations: [{ id: 'k1', title: '物流说明' }] });
    await adapter.postMessage(target, { parts: [{ type: 'image', mediaId: 'media-map' }] });
    const replies = await waiting;
    expect(replies.map(({ sequence, via, msgType, content, mediaId }) => ({ sequence, via, msgType, content, mediaId }))).toEqual([
      { sequence: after + 1, via: 'api', msgType: 'text', content: '订单已发货\n\n来源：物流说明', mediaId: undefined },
      { sequence: after + 2, via: 'api', msgType: 'image', content: undefined, mediaId: 'media-map' },
    ]);
  });

  it('is refused (401) by an adapter with the wrong token, and WeChat does not retry that', async () => {
    const wrong = createWechatOfficialAdapter({ ...config, token: 'not-the-token' }, dependencies());
    const server = await serveAdapter(wrong);
    cleanups.push(server.close);
    sandbox.setWebhookUrl(server.webhookUrl);
    expect(await sandbox.sendEvent('o-e2e', 'subscribe')).toMatchObject({ outcome: 'rejected', status: 401, tries: 1 });
  });
});

describe('createWechatOfficialAdapter', () => {
  it('declares the channel, its reply window and round-trips thread ids', () => {
    const adapter = createWechatOfficialAdapter(config, dependencies());
    expect(adapter.type).toBe('wechat-official');
    expect(adapter.accountId).toBe('demo-oa');
    expect(adapter.replyWindow).toEqual({ durationMs: 48 * 3600 * 1000, maxMessages: 5 });
    for (const openId of ['oyORnuP8q7ou2gfYjqLzSIWZf0rs', 'o-with:colon/slash+plus']) {
      const thread = adapter.encodeThreadId(openId);
      expect(thread.startsWith('wechat-official:demo-oa:')).toBe(true);
      expect(adapter.decodeThreadId(thread)).toBe(openId);
    }
    expect(() => adapter.decodeThreadId('wechat-official:other:o1')).toThrow();
    expect(adapter.acknowledge({})).toEqual({ status: 200, body: 'success', contentType: 'text/plain; charset=utf-8' });
  });

  it('validates the config at creation, naming the bad key', () => {
    expect(() => createWechatOfficialAdapter({ ...config, encodingAesKey: 'too-short' }, dependencies())).toThrow(ConfigError);
    expect(() => parseWechatOfficialConfig({ ...config, encodingAesKey: 'too-short' })).toThrow(/encodingAesKey/);
    expect(() => parseWechatOfficialConfig({ ...config, apiBaseUrl: 'ftp://x' })).toThrow(/apiBaseUrl/);
    expect(() => parseWechatOfficialConfig({ ...config, appSecret: '' })).toThrow(/"demo-oa": appSecret/);
    expect(() => parseWechatOfficialConfig({ ...config, timestampWindowSeconds: -1 })).toThrow(/timestampWindowSeconds/);
  });

  it('applies defaults and accepts the demo config shape', () => {
    const settings = wechatOfficialConfigSchema.parse({ ...config, type: 'wechat-official', name: 'demo', originalId: 'gh_x', apiBaseUrl: 'http://127.0.0.1:3000/sandbox/wechat-official/' });
    expect(settings).toMatchObject({ apiBaseUrl: 'http://127.0.0.1:3000/sandbox/wechat-official', timestampWindowSeconds: 300, originalId: 'gh_x' });
    expect(parseWechatOfficialConfig({ ...config, encodingAesKey: undefined }).apiBaseUrl).toBe('https://api.weixin.qq.com');
  });
});
