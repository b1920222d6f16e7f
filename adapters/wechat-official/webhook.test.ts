import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MalformedRequestError, SignatureError } from '../../bot/errors.ts';
import { createMemoryCache } from '../../bot/ports/memory-cache.ts';
import { createMemoryLock } from '../../bot/ports/memory-lock.ts';
import type { WebhookRequest, WebhookResult } from '../types.ts';
import { encryptMessage, messageSignature, plainSignature } from '../wechat-crypto/index.ts';
import { officialAccountSample as oa } from '../wechat-crypto/official-vectors.ts';
import { createWechatOfficialAdapter, type WechatOfficialConfig } from './index.ts';
import { createWechatOfficialSandbox, type SandboxCallback, type SandboxMode } from './sandbox.ts';

const nowMs = 1_750_000_000_000;
const nowSeconds = String(nowMs / 1000);
const baseConfig = { id: 'oa-test', appId: oa.appId, appSecret: 'secret', token: oa.token, encodingAesKey: oa.encodingAesKey };

function adapterFor(config: Partial<WechatOfficialConfig> = {}, now = () => nowMs) {
  return createWechatOfficialAdapter({ ...baseConfig, ...config }, { cache: createMemoryCache(), lock: createMemoryLock(), now });
}

function post(query: Record<string, string>, body: string): WebhookRequest {
  return { method: 'POST', query, headers: { 'content-type': 'text/xml' }, rawBody: Buffer.from(body, 'utf8') };
}

function signedPlain(body: string, timestamp = nowSeconds, nonce = '42'): WebhookRequest {
  return post({ signature: plainSignature(oa.token, timestamp, nonce), timestamp, nonce, openid: 'o1' }, body);
}

function messagesOf(result: WebhookResult) {
  if (result.kind !== 'messages') throw new Error(`expected messages, got ${result.kind}`);
  return result;
}

const textXml = (content: string) =>
  `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>` +
  `<CreateTime>${nowSeconds}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content>` +
  `<MsgId>6054768590064713728</MsgId></xml>`;

describe('URL verification (GET)', () => {
  it('echoes echostr as-is when the plain signature verifies', async () => {
    const echostr = 'P9nAzCzy/+==';
    const timestamp = nowSeconds;
    const result = await adapterFor().handleWebhook({
      method: 'GET',
      query: { signature: plainSignature(oa.token, timestamp, '7'), timestamp, nonce: '7', echostr },
      headers: {},
      rawBody: Buffer.alloc(0),
    });
    expect(result).toEqual({ kind: 'response', response: { status: 200, body: echostr, contentType: 'text/plain; charset=utf-8' } });
  });

  it('refuses a wrong or missing signature', async () => {
    const adapter = adapterFor();
    const query = { signature: '0'.repeat(40), timestamp: nowSeconds, nonce: '7', echostr: 'x' };
    await expect(adapter.handleWebhook({ method: 'GET', query, headers: {}, rawBody: Buffer.alloc(0) })).rejects.toThrow(SignatureError);
    await expect(adapter.handleWebhook({ method: 'GET', query: { echostr: 'x' }, headers: {}, rawBody: Buffer.alloc(0) })).rejects.toThrow(
      SignatureError,
    );
  });
});

describe('the official OA sample as a compatibility-mode callback (window disabled: it is from 2014)', () => {
  const body = readFileSync(new URL('./__fixtures__/text.xml', import.meta.url), 'utf8').replace(
    '</xml>',
    `<Encrypt><![CDATA[${oa.encrypt}]]></Encrypt></xml>`,
  );
  const query = { signature: oa.plainSignature, timestamp: oa.timestamp, nonce: oa.nonce, openid: oa.openId, encrypt_type: 'aes', msg_signature: oa.msgSignature };

  it('verifies both signatures and uses the encrypted part, not the plaintext fields', async () => {
    const result = messagesOf(await adapterFor({ timestampWindowSeconds: 0 }).handleWebhook(post(query, body)));
    expect(result.messages[0]).toMatchObject({ platformMessageId: oa.msgId, platformUserId: oa.openId, parts: [{ type: 'text', text: oa.content }] });
    expect(result.replyContext).toEqual({ openId: oa.openId, originalId: oa.originalId, timestamp: oa.timestamp, nonce: oa.nonce, safeMode: true });
  });

  it('is refused once the 300 s window applies', async () => {
    await expect(adapterFor().handleWebhook(post(query, body))).rejects.toThrow(/window/);
  });

  it('is refused with a wrong msg_signature, a wrong AppID or no EncodingAESKey', async () => {
    const open = { timestampWindowSeconds: 0 };
    await expect(adapterFor(open).handleWebhook(post({ ...query, msg_signature: oa.plainSignature }, body))).rejects.toThrow(SignatureError);
    await expect(adapterFor({ ...open, appId: 'wx0000000000000000' }).handleWebhook(post(query, body))).rejects.toThrow(SignatureError);
    await expect(adapterFor({ ...open, encodingAesKey: undefined }).handleWebhook(post(query, body))).rejects.toThrow(MalformedRequestError);
  });
});

describe('POST checks', () => {
  it('accepts a plaintext message and refuses a bad signature', async () => {
    const adapter = adapterFor();
    const result = messagesOf(await adapter.handleWebhook(signedPlain(textXml('hi'))));
    expect(result.messages[0]?.platformMessageId).toBe('6054768590064713728');
    expect(result.replyContext.safeMode).toBe(false);
    const forged = signedPlain(textXml('hi'));
    forged.query.nonce = '43';
    await expect(adapter.handleWebhook(forged)).rejects.toThrow(SignatureError);
  });

  it('refuses timestamps outside the window either way, and accepts any when the window is 0', async () => {
    const adapter = adapterFor();
    await expect(adapter.handleWebhook(signedPlain(textXml('hi'), String(nowMs / 1000 - 301)))).rejects.toThrow(SignatureError);
    await expect(adapter.handleWebhook(signedPlain(textXml('hi'), String(nowMs / 1000 + 301)))).rejects.toThrow(SignatureError);
    await expect(adapter.handleWebhook(signedPlain(textXml('hi'), String(nowMs / 1000 - 299)))).resolves.toMatchObject({ kind: 'messages' });
    await expect(adapterFor({ timestampWindowSeconds: 0 }).handleWebhook(signedPlain(textXml('hi'), '1'))).resolves.toMatchObject({
      kind: 'messages',
    });
  });

  it.each(['doctype-entity-expansion.xml', 'doctype-external-entity.xml'])('answers %s with MalformedRequestError (400)', async (name) => {
    const body = readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
    await expect(adapterFor().handleWebhook(signedPlain(body))).rejects.toThrow(MalformedRequestError);
  });

  it('refuses a DOCTYPE hidden inside the encrypted payload', async () => {
    const inner = `<!DOCTYPE xml [<!ENTITY a "b">]>${textXml('hi')}`;
    const encrypt = encryptMessage(oa.encodingAesKey, inner, oa.appId);
    const request = signedPlain(`<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
    request.query.encrypt_type = 'aes';
    request.query.msg_signature = messageSignature(oa.token, nowSeconds, '42', encrypt);
    await expect(adapterFor().handleWebhook(request)).rejects.toThrow(MalformedRequestError);
  });

  it('acknowledges send-job notifications without a message', async () => {
    const body = readFileSync(new URL('./__fixtures__/event-template-finish.xml', import.meta.url), 'utf8');
    await expect(adapterFor().handleWebhook(signedPlain(body))).resolves.toMatchObject({ kind: 'response', response: { body: 'success' } });
  });

  it('refuses a callback for another account when originalId is configured', async () => {
    await expect(adapterFor({ originalId: 'gh_other' }).handleWebhook(signedPlain(textXml('hi')))).rejects.toThrow(MalformedRequestError);
    await expect(adapterFor({ originalId: 'gh_10f6c3c3ac5a' }).handleWebhook(signedPlain(textXml('hi')))).resolves.toMatchObject({ kind: 'messages' });
  });

  it('refuses other methods and unknown encrypt_type', async () => {
    const request = signedPlain(textXml('hi'));
    await expect(adapterFor().handleWebhook({ ...request, method: 'PUT' })).rejects.toThrow(MalformedRequestError);
    await expect(adapterFor().handleWebhook({ ...request, query: { ...request.query, encrypt_type: 'rot13' } })).rejects.toThrow(
      MalformedRequestError,
    );
  });
});

describe.each<SandboxMode>(['plain', 'compatible', 'safe'])('adapter ↔ sandbox in %s mode (in process)', (mode) => {
  const sandbox = createWechatOfficialSandbox({ ...baseConfig, appSecret: 'secret', mode, now: () => nowMs });
  const toRequest = (callback: SandboxCallback) => post(callback.query, callback.body);

  it('parses what the sandbox sends and the sandbox reads the passive reply', async () => {
    const adapter = adapterFor();
    const callback = sandbox.buildCallback('o-follower', 'text', { Content: '营业时间？]]>' });
    expect(callback.query.encrypt_type === 'aes').toBe(mode !== 'plain');
    const result = messagesOf(await adapter.handleWebhook(toRequest(callback)));
    expect(result.messages[0]).toMatchObject({ platformMessageId: callback.fields.MsgId, parts: [{ type: 'text', text: '营业时间？]]>' }] });
    expect(result.replyContext).toMatchObject({ openId: 'o-follower', originalId: sandbox.originalId, safeMode: mode !== 'plain' });

    const response = adapter.passiveReply!(result.replyContext, {
      parts: [{ type: 'text', text: '每天 9:00–22:00 ]]> 营业' }],
      citations: [{ id: 'faq-1', title: '营业时间' }],
    });
    expect(response.body.includes('<Encrypt>')).toBe(mode !== 'plain');
    expect(sandbox.decodeReply('o-follower', response.body)).toMatchObject({
      kind: 'replied',
      msgType: 'text',
      content: '每天 9:00–22:00 ]]> 营业\n\n来源：营业时间',
    });
    expect(sandbox.decodeReply('o-follower', adapter.acknowledge(result.replyContext).body)).toEqual({ kind: 'acknowledged' });
  });

  it('parses events the same way', async () => {
    const callback = sandbox.buildCallback('o-follower', 'event', { Event: 'CLICK', EventKey: 'MENU_HUMAN' });
    const result = messagesOf(await adapterFor().handleWebhook(toRequest(callback)));
    expect(result.messages[0]?.parts).toEqual([{ type: 'event', event: 'CLICK', key: 'MENU_HUMAN' }]);
    expect(result.messages[0]?.platformMessageId).toBe(`o-follower:${nowSeconds}:CLICK`);
  });
});

describe('the sandbox rejects a wrong adapter reply', () => {
  it('in safe mode refuses an unencrypted XML reply or a bad envelope signature', async () => {
    const sandbox = createWechatOfficialSandbox({ ...baseConfig, mode: 'safe', now: () => nowMs });
    const adapter = adapterFor();
    const callback = sandbox.buildCallback('o1', 'text', { Content: 'x' });
    const result = messagesOf(await adapter.handleWebhook(post(callback.query, callback.body)));
    const plain = adapter.passiveReply!({ ...result.replyContext, safeMode: false }, { parts: [{ type: 'text', text: 'hi' }] });
    expect(sandbox.decodeReply('o1', plain.body)).toMatchObject({ kind: 'invalid' });
    const encrypted = adapter.passiveReply!(result.replyContext, { parts: [{ type: 'text', text: 'hi' }] });
    const tampered = encrypted.body.replace(/<Nonce><!\[CDATA\[(\d+)\]\]>/, '<Nonce><![CDATA[1$1]]>');
    expect(sandbox.decodeReply('o1', tampered)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/MsgSignature/) });
    expect(sandbox.decodeReply('o2', encrypted.body)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/ToUserName/) });
  });
});
