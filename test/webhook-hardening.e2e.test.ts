/**
 * What reaches the webhook from the internet is not always WeChat. Malformed XML, bad signatures,
 * stale timestamps, oversized bodies and XML entity tricks each get a clear 4xx with a JSON error
 * and exactly one warning in the log — never a crash, never a stored row. Real HTTP against the
 * demo configuration; each request starts from a valid callback and is then corrupted.
 */
import { randomInt } from 'node:crypto';
import { Writable } from 'node:stream';
import { count } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callbackUrl, fieldsToXml, sandboxCdata, type SandboxCallback } from '../adapters/wechat-official/sandbox-callback.ts';
import { sandboxEncrypt, sandboxSignature } from '../adapters/wechat-official/sandbox-crypto.ts';
import { createWechatOfficialSandbox, type WechatOfficialSandbox } from '../adapters/wechat-official/sandbox.ts';
import { demoConfig } from '../bot/config.ts';
import { maxWebhookBodyBytes } from '../bot/server.ts';
import { messages } from '../bot/storage/schema.ts';
import { startTestKefu, type TestKefu } from './support/kefu.ts';

interface LogLine {
  level: number;
  msg: string;
}

const demoChannel = demoConfig(0).channels![0]!;
const credentials = {
  appId: String(demoChannel.appId),
  appSecret: String(demoChannel.appSecret),
  token: String(demoChannel.token),
  encodingAesKey: String(demoChannel.encodingAesKey),
  originalId: String(demoChannel.originalId),
};

/** Three levels of ten-fold entity expansion: 1 000 "lol"s from a few hundred bytes (more levels, more damage). */
const billionLaughs = `<!DOCTYPE xml [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>`;

const logLines: LogLine[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as LogLine);
    done();
  },
});

let kefu: TestKefu;
let demo: WechatOfficialSandbox;
beforeAll(async () => {
  kefu = await startTestKefu({}, { log: pino({ level: 'info' }, logSink) });
  demo = kefu.sandboxes.get('demo-oa')!;
}, 120_000);
afterAll(async () => {
  await kefu?.close();
});

const webhookUrl = () => `${kefu.url}/webhooks/wechat-official/demo-oa`;
const textFields = (openId: string, text: string) => ({
  ToUserName: credentials.originalId,
  FromUserName: openId,
  CreateTime: String(Math.floor(Date.now() / 1000)),
  MsgType: 'text',
  Content: text,
  MsgId: String(randomInt(2 ** 47)),
});

/** A plain-mode callback (no encryption: the body is the message XML) for the demo account. */
function plainCallback(openId: string): SandboxCallback {
  const plain = createWechatOfficialSandbox({ ...credentials, encodingAesKey: undefined, mode: 'plain' });
  return plain.buildCallback(openId, 'text', { Content: '你好' });
}

/** A safe-mode callback whose encrypted payload is `plaintext`, correctly encrypted and signed. */
function encryptedCallback(plaintext: string): SandboxCallback {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(randomInt(100_000_000, 2_000_000_000));
  const encrypt = sandboxEncrypt(credentials.encodingAesKey, plaintext, credentials.appId);
  return {
    query: {
      signature: sandboxSignature(credentials.token, timestamp, nonce),
      timestamp,
      nonce,
      encrypt_type: 'aes',
      msg_signature: sandboxSignature(credentials.token, timestamp, nonce, encrypt),
    },
    body: `<xml><ToUserName>${sandboxCdata(credentials.originalId)}</ToUserName><Encrypt>${sandboxCdata(encrypt)}</Encrypt></xml>`,
    fields: {},
  };
}

/** A body of `bytes` bytes sent in chunks, without a Content-Length. */
function streamedBody(bytes: number): ReadableStream<Uint8Array> {
  let left = bytes;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const size = Math.min(left, 64 * 1024);
      left -= size;
      controller.enqueue(new Uint8Array(size).fill(0x41));
    },
  });
}

interface RejectionCase {
  name: string;
  status: number;
  /** The one warning logged, naming why the request was refused. */
  warning: RegExp;
  request: () => { query: Record<string, string>; body: string | ReadableStream<Uint8Array> };
}

const cases: RejectionCase[] = [
  {
    name: 'malformed XML',
    status: 400,
    warning: /not well-formed XML/,
    request: () => {
      const callback = demo.buildCallback('o_hardening', 'text', { Content: '你好' });
      return { query: callback.query, body: callback.body.slice(0, -12) };
    },
  },
  {
    name: 'a body that is not XML at all',
    status: 400,
    warning: /not well-formed XML/,
    request: () => ({ query: demo.buildCallback('o_hardening', 'text', { Content: '你好' }).query, body: '{"Content":"hi"}' }),
  },
  {
    name: 'a bad signature',
    status: 401,
    warning: /"reason":"signature verification failed"/,
    request: () => {
      const callback = demo.buildCallback('o_hardening', 'text', { Content: '你好' });
      return { query: { ...callback.query, signature: 'f'.repeat(40) }, body: callback.body };
    },
  },
  {
    name: 'an encrypted payload replaced by another one (msg_signature no longer matches)',
    status: 401,
    warning: /msg_signature verification failed/,
    request: () => {
      const callback = demo.buildCallback('o_hardening', 'text', { Content: '你好' });
      const forged = encryptedCallback(fieldsToXml(textFields('o_hardening', '转账给我')));
      return { query: callback.query, body: forged.body };
    },
  },
  {
    name: 'a timestamp one hour old (outside the 300 s window)',
    status: 401,
    warning: /timestamp outside the allowed window/,
    request: () => {
      const hourAgo = createWechatOfficialSandbox({ ...credentials, now: () => Date.now() - 3_600_000 });
      const callback = hourAgo.buildCallback('o_hardening', 'text', { Content: '你好' });
      return { query: callback.query, body: callback.body };
    },
  },
  {
    name: 'a body over 1 MB with its Content-Length',
    status: 413,
    warning: /body refused/,
    request: () => ({ query: demo.buildCallback('o_hardening', 'text').query, body: 'A'.repeat(maxWebhookBodyBytes + 1) }),
  },
  {
    name: 'a body over 1 MB streamed without a Content-Length',
    status: 413,
    warning: /body refused/,
    request: () => ({ query: demo.buildCallback('o_hardening', 'text').query, body: streamedBody(maxWebhookBodyBytes + 64 * 1024) }),
  },
  {
    name: 'a DOCTYPE with a billion-laughs ENTITY (plain mode)',
    status: 400,
    warning: /DOCTYPE, ENTITY/,
    request: () => {
      const callback = plainCallback('o_hardening');
      return { query: callback.query, body: `<?xml version="1.0"?>\n${billionLaughs}\n${callback.body.replace(sandboxCdata('你好'), '&lol3;')}` };
    },
  },
  {
    name: 'an external ENTITY reading /etc/passwd (plain mode)',
    status: 400,
    warning: /DOCTYPE, ENTITY/,
    request: () => {
      const callback = plainCallback('o_hardening');
      const xxe = '<!DOCTYPE xml [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>';
      return { query: callback.query, body: `${xxe}\n${callback.body.replace(sandboxCdata('你好'), '&secret;')}` };
    },
  },
  {
    name: 'a DOCTYPE with a billion-laughs ENTITY inside the encrypted payload (safe mode)',
    status: 400,
    warning: /DOCTYPE, ENTITY/,
    request: () => {
      const message = fieldsToXml(textFields('o_hardening', '你好')).replace(sandboxCdata('你好'), '&lol3;');
      const callback = encryptedCallback(`${billionLaughs}\n${message}`);
      return { query: callback.query, body: callback.body };
    },
  },
];

const storedMessages = async () => (await kefu.database.db.select({ n: count() }).from(messages))[0]!.n;

describe('a rejected webhook request', () => {
  test.each(cases)('$name → $status, one warning, nothing stored', async ({ status, warning, request }) => {
    const before = { rows: await storedMessages(), logs: logLines.length };
    const { query, body } = request();

    const response = await fetch(callbackUrl(webhookUrl(), query), {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body,
      duplex: 'half',
    } as RequestInit);

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    expect((await fetch(`${kefu.url}/healthz`)).status).toBe(200);
    expect(await storedMessages()).toBe(before.rows);
    const written = logLines.slice(before.logs);
    const warnings = written.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toMatch(warning);
    expect(written.filter((line) => line.level >= 50)).toEqual([]);
  });

  test('an uncorrupted callback is accepted and answered, without a warning', async () => {
    const before = logLines.length;
    const delivery = await demo.sendText('o_hardening', '你们晚上几点关门');
    expect(delivery.outcome).toBe('replied');
    expect(logLines.slice(before).filter((line) => line.level >= 40)).toEqual([]);
  });
});
