/**
 * The callbacks every target receives: WeChat-exact safe-mode callbacks (signed, AES-encrypted,
 * `encrypt_type=aes` + `msg_signature`) built with the sandbox's `buildCallback`, each with its own
 * MsgId and follower OpenID. Timestamps are "now" at generation: Kefu refuses callbacks older than
 * 300 s, so a pool is built at the start of each round and used only within it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { demoConfig, demoKnowledgeFile } from '../../bot/config.ts';
import { buildCallback, type CallbackAccount } from '../../adapters/wechat-official/sandbox-callback.ts';

/** The demo Official Account's credentials (bot/config.ts `demoConfig`). */
export const account = (() => {
  const channel = demoConfig(0).channels![0] as Record<string, string>;
  return {
    appId: channel.appId!,
    appSecret: channel.appSecret!,
    token: channel.token!,
    encodingAesKey: channel.encodingAesKey!,
    originalId: channel.originalId!,
  };
})();

export const callbackAccount: CallbackAccount = { ...account, mode: 'safe' };

/** One pre-built request: path with query, body, and the follower it comes from. */
export interface Payload {
  /** Path + URL-encoded query, without the webhook path prefix. */
  query: string;
  body: string;
  openId: string;
}

/** Follower questions: FAQ phrasings from the demo knowledge base plus some it cannot answer. */
function questions(): string[] {
  const rows = readFileSync(demoKnowledgeFile, 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
  const texts = rows.flatMap((row) => {
    const [, question = '', similar = ''] = row.split('\t');
    return [question, ...similar.split('|')].filter(Boolean);
  });
  return [...texts, '你好', '在吗', '我的订单号是 20261122001，怎么还没到？', '可以开发票吗，抬头写公司名', '谢谢'];
}

/** OpenIDs look like WeChat's: 28 characters starting with `o`. */
const openIdFor = (tag: string, index: number) => `o${tag}${randomBytes(12).toString('base64url').slice(0, 15)}${String(index).padStart(6, '0')}`.slice(0, 28);

/** Build `count` distinct callbacks timestamped now. */
export function generatePayloads(count: number, nowMs = Date.now()): Payload[] {
  const texts = questions();
  const tag = randomBytes(3).toString('hex');
  // 64-bit MsgIds above 2^53, like WeChat's.
  let msgId = 7_054_768_590_064_713_728n + BigInt(Math.floor(Math.random() * 1e9)) * 1_000_000n;
  const payloads: Payload[] = [];
  for (let index = 0; index < count; index += 1) {
    const openId = openIdFor(tag, index);
    msgId += 1n;
    const callback = buildCallback(
      callbackAccount,
      {
        ToUserName: account.originalId,
        FromUserName: openId,
        CreateTime: String(Math.floor(nowMs / 1000)),
        MsgType: 'text',
        Content: texts[index % texts.length]!,
        MsgId: String(msgId),
      },
      nowMs,
    );
    payloads.push({ query: new URLSearchParams(callback.query).toString(), body: callback.body, openId });
  }
  return payloads;
}
