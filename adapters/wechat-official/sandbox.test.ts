import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { officialAccountSample as oa } from '../wechat-crypto/official-vectors.ts';
import { sandboxSignature } from './sandbox-crypto.ts';
import { createWechatOfficialSandbox, SandboxNotConnectedError, SandboxTimeoutError, type WechatOfficialSandboxOptions } from './sandbox.ts';

const account = { appId: oa.appId, appSecret: 'sandbox-secret', token: oa.token, encodingAesKey: oa.encodingAesKey };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Seen {
  url: string;
  body: string;
  closedEarly: boolean;
  answer: () => void;
}

/**
 * A webhook that records every request and lets `onRequest` decide when each one is answered
 * (with `success`); by default after `delays[index]` ms.
 */
async function webhookServer(onRequest: (index: number, seen: Seen[]) => void) {
  const seen: Seen[] = [];
  let open = 0;
  let maxOpen = 0;
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    if (request.url?.endsWith('?warm-up')) return void response.end('success');
    const entry: Seen = {
      url: request.url ?? '',
      body: '',
      closedEarly: false,
      answer: () => {
        if (!response.destroyed) response.end('success');
      },
    };
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    response.on('close', () => {
      open -= 1;
      if (!response.writableFinished) entry.closedEarly = true;
    });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    entry.body = Buffer.concat(chunks).toString('utf8');
    seen.push(entry);
    onRequest(seen.length - 1, seen);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  // Node loads its fetch implementation on first use (~100s of ms); keep that out of the timed tries.
  await fetch(`${url}?warm-up`);
  return { url, seen, maxOpen: () => maxOpen };
}

const slowWebhook = (delays: number[]) =>
  webhookServer((index, seen) => {
    setTimeout(() => seen[index]?.answer(), delays[index] ?? 0);
  });

function sandboxWith(options: Partial<WechatOfficialSandboxOptions> = {}) {
  const sandbox = createWechatOfficialSandbox({ ...account, tryTimeoutMs: 60, ...options });
  cleanups.push(() => sandbox.close());
  return sandbox;
}

describe('callback delivery (WeChat timeout and retries)', () => {
  it('tries 3 times in total with the identical request when the webhook is slow', async () => {
    const webhook = await slowWebhook([1000, 1000, 1000]);
    const delivery = await sandboxWith({ webhookUrl: webhook.url }).sendText('o1', 'are you there?');
    expect(delivery).toMatchObject({ outcome: 'timed-out', tries: 3 });
    expect(webhook.seen).toHaveLength(3);
    expect(new Set(webhook.seen.map((seen) => `${seen.url}\n${seen.body}`)).size).toBe(1);
    expect(webhook.seen[0]?.url).toContain('encrypt_type=aes');
    await vi.waitFor(() => expect(webhook.seen.every((seen) => seen.closedEarly)).toBe(true));
  });

  it('takes the answer of a retry when the first try timed out', async () => {
    const webhook = await slowWebhook([1000, 0]);
    const delivery = await sandboxWith({ webhookUrl: webhook.url }).sendText('o1', 'hi');
    expect(delivery).toMatchObject({ outcome: 'acknowledged', tries: 2 });
  });

  it('overlaps retries with the still-open first try when abortOnTimeout is false', async () => {
    // The first request is answered only once the third has arrived: all three overlap.
    const webhook = await webhookServer((index, seen) => {
      if (index === 2) seen[0]?.answer();
    });
    const delivery = await sandboxWith({ webhookUrl: webhook.url, tryTimeoutMs: 100, abortOnTimeout: false }).sendText('o1', 'hi');
    expect(delivery).toMatchObject({ outcome: 'acknowledged', tries: 3 });
    expect(webhook.maxOpen()).toBe(3);
    expect(webhook.seen[0]?.closedEarly).toBe(false);
  });

  it('fails after 3 refused connections and needs a webhook URL at all', async () => {
    const refused = await sandboxWith({ webhookUrl: 'http://127.0.0.1:9/hook' }).sendText('o1', 'hi');
    expect(refused).toMatchObject({ outcome: 'failed', tries: 3 });
    await expect(sandboxWith().sendText('o1', 'hi')).rejects.toThrow(SandboxNotConnectedError);
  });

  it('signs callbacks with fresh timestamps and both signatures', () => {
    const callback = sandboxWith().buildCallback('o1', 'text', { Content: 'x' });
    const { signature, timestamp, nonce, msg_signature: msgSignature } = callback.query;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
    expect(signature).toBe(sandboxSignature(oa.token, timestamp!, nonce!));
    const encrypt = /<Encrypt><!\[CDATA\[(.*)\]\]><\/Encrypt>/.exec(callback.body)?.[1] ?? '';
    expect(msgSignature).toBe(sandboxSignature(oa.token, timestamp!, nonce!, encrypt));
    expect(BigInt(callback.fields.MsgId!)).toBeGreaterThan(2n ** 53n);
  });
});

describe('the API', () => {
  async function api(options: Partial<WechatOfficialSandboxOptions> = {}) {
    const sandbox = sandboxWith(options);
    const { apiBaseUrl } = await sandbox.listen();
    const token = async (secret: string = account.appSecret, appId: string = account.appId) =>
      (await fetch(`${apiBaseUrl}/cgi-bin/token?grant_type=client_credential&appid=${appId}&secret=${secret}`)).json();
    const send = async (accessToken: string, body: object) =>
      (await fetch(`${apiBaseUrl}/cgi-bin/message/custom/send?access_token=${accessToken}`, { method: 'POST', body: JSON.stringify(body) })).json();
    return { sandbox, token, send };
  }
  const textTo = (openId: string, content = 'x') => ({ touser: openId, msgtype: 'text', text: { content } });

  it('issues tokens for the right credentials only, and they expire', async () => {
    let now = 1_750_000_000_000;
    const { sandbox, token, send } = await api({ now: () => now, webhookUrl: 'http://127.0.0.1:9/unused', maxTries: 1 });
    expect(await token('wrong')).toMatchObject({ errcode: 40001 });
    expect(await token(account.appSecret, 'wxwrong')).toMatchObject({ errcode: 40013 });
    const issued = (await token()) as { access_token: string; expires_in: number };
    expect(issued.expires_in).toBe(7200);
    expect(await send('unknown', textTo('o1'))).toMatchObject({ errcode: 40001 });
    await sandbox.sendText('o1', 'hi');
    expect(await send(issued.access_token, textTo('o1'))).toMatchObject({ errcode: 0 });
    now += 7200 * 1000;
    expect(await send(issued.access_token, textTo('o1'))).toMatchObject({ errcode: 42001 });
  });

  it('enforces the 48 h / 5-message window and the 1 min / 3-message event window', async () => {
    let now = 1_750_000_000_000;
    const { sandbox, token, send } = await api({ now: () => now, webhookUrl: 'http://127.0.0.1:9/unused', maxTries: 1 });
    const { access_token: accessToken } = (await token()) as { access_token: string };
    expect(await send(accessToken, textTo('o1'))).toMatchObject({ errcode: 45015 });
    await sandbox.sendText('o1', 'hi');
    for (let index = 0; index < 5; index += 1) expect(await send(accessToken, textTo('o1'))).toMatchObject({ errcode: 0 });
    expect(await send(accessToken, textTo('o1'))).toMatchObject({ errcode: 45047 });
    await sandbox.sendText('o1', 'again');
    now += 48 * 3600 * 1000 + 1;
    const { access_token: freshToken } = (await token()) as { access_token: string };
    expect(await send(freshToken, textTo('o1'))).toMatchObject({ errcode: 45015 });

    await sandbox.sendEvent('o2', 'CLICK', 'MENU');
    for (let index = 0; index < 3; index += 1) expect(await send(freshToken, textTo('o2'))).toMatchObject({ errcode: 0 });
    expect(await send(freshToken, textTo('o2'))).toMatchObject({ errcode: 45047 });
    await sandbox.sendEvent('o3', 'subscribe');
    now += 60 * 1000 + 1;
    expect(await send(freshToken, textTo('o3'))).toMatchObject({ errcode: 45015 });
    await sandbox.sendText('o2', 'hi');
    await sandbox.sendEvent('o2', 'unsubscribe');
    expect(await send(freshToken, textTo('o2'))).toMatchObject({ errcode: 45015 });
  });

  it('refuses oversized text and malformed bodies', async () => {
    const { sandbox, token, send } = await api({ webhookUrl: 'http://127.0.0.1:9/unused', maxTries: 1 });
    const { access_token: accessToken } = (await token()) as { access_token: string };
    await sandbox.sendText('o1', 'hi');
    expect(await send(accessToken, textTo('o1', '字'.repeat(683)))).toMatchObject({ errcode: 45002 });
    expect(await send(accessToken, { touser: 'o1', msgtype: 'text' })).toMatchObject({ errcode: 47001 });
    expect(sandbox.inbox('o1')).toEqual([]);
  });

  it('mounts as middleware under a base path in a host Koa app', async () => {
    const sandbox = sandboxWith({ basePath: '/sandbox/wechat-official' });
    const app = new Koa();
    app.use(sandbox.middleware);
    app.use((ctx) => {
      ctx.body = 'host route';
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    cleanups.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const answer = await fetch(`${base}/sandbox/wechat-official/cgi-bin/token?grant_type=client_credential&appid=${oa.appId}&secret=sandbox-secret`);
    expect(await answer.json()).toMatchObject({ expires_in: 7200 });
    expect(await (await fetch(`${base}/cgi-bin/token`)).text()).toBe('host route');
  });
});

describe('inboxes', () => {
  it('number replies per follower and time out waiting', async () => {
    const sandbox = sandboxWith();
    await expect(sandbox.waitForReplies('o1', { timeoutMs: 20 })).rejects.toThrow(SandboxTimeoutError);
    expect(sandbox.lastSequence('o1')).toBe(0);
  });
});
