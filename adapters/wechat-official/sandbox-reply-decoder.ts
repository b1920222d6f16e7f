/**
 * How WeChat reads the answer to a callback (PLATFORMS.md §2.3–2.4, §1.5): `success` or an empty body
 * is an acknowledgement; otherwise a reply XML addressed to the follower from the account, which in
 * safe mode must be an encrypted envelope whose MsgSignature verifies. Anything else is what makes
 * the follower see "该公众号暂时无法提供服务".
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { CallbackAccount } from './sandbox-callback.ts';
import { sandboxDecrypt, sandboxSignature } from './sandbox-crypto.ts';

/** What WeChat made of a callback's HTTP answer. */
export type ReplyDecoding =
  | { kind: 'acknowledged' }
  | { kind: 'replied'; msgType: string; content?: string; mediaId?: string; raw: string }
  | { kind: 'invalid'; reason: string };

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: false,
  ignoreDeclaration: true,
  trimValues: true,
});

/** Decode the 200 answer to a callback sent to `openId`. */
export function decodePassiveReply(account: CallbackAccount, openId: string, body: string): ReplyDecoding {
  if (body === '' || body === 'success') return { kind: 'acknowledged' };
  const outer = parseRoot(body);
  if (outer === undefined) return { kind: 'invalid', reason: 'answer is neither success nor XML' };
  let raw = body;
  let reply = outer;
  if (typeof outer.Encrypt === 'string') {
    if (account.mode === 'plain' || account.encodingAesKey === undefined) {
      return { kind: 'invalid', reason: 'encrypted reply in plaintext mode' };
    }
    const { Encrypt: encrypt, MsgSignature: signature, TimeStamp: timestamp, Nonce: nonce } = outer;
    if (typeof signature !== 'string' || typeof timestamp !== 'string' || typeof nonce !== 'string') {
      return { kind: 'invalid', reason: 'envelope lacks MsgSignature, TimeStamp or Nonce' };
    }
    if (sandboxSignature(account.token, timestamp, nonce, encrypt) !== signature) {
      return { kind: 'invalid', reason: 'envelope MsgSignature does not verify' };
    }
    try {
      raw = sandboxDecrypt(account.encodingAesKey, encrypt, account.appId);
    } catch (error) {
      return { kind: 'invalid', reason: `envelope does not decrypt: ${(error as Error).message}` };
    }
    const inner = parseRoot(raw);
    if (inner === undefined) return { kind: 'invalid', reason: 'decrypted reply is not XML' };
    reply = inner;
  } else if (account.mode === 'safe') {
    return { kind: 'invalid', reason: 'safe mode requires an encrypted reply' };
  }
  return readReply(reply, account, openId, raw);
}

function readReply(reply: Record<string, unknown>, account: CallbackAccount, openId: string, raw: string): ReplyDecoding {
  if (reply.ToUserName !== openId) return { kind: 'invalid', reason: `reply ToUserName is not ${openId}` };
  if (reply.FromUserName !== account.originalId) return { kind: 'invalid', reason: `reply FromUserName is not ${account.originalId}` };
  if (typeof reply.CreateTime !== 'string' || !/^\d+$/.test(reply.CreateTime)) {
    return { kind: 'invalid', reason: 'reply CreateTime is not a number' };
  }
  const msgType = reply.MsgType;
  if (typeof msgType !== 'string' || msgType === '') return { kind: 'invalid', reason: 'reply MsgType missing' };
  if (msgType === 'text') {
    if (typeof reply.Content !== 'string') return { kind: 'invalid', reason: 'text reply without Content' };
    return { kind: 'replied', msgType, content: reply.Content, raw };
  }
  if (msgType === 'image' || msgType === 'voice') {
    const media = reply[msgType === 'image' ? 'Image' : 'Voice'];
    const mediaId = typeof media === 'object' && media !== null ? (media as Record<string, unknown>).MediaId : undefined;
    if (typeof mediaId !== 'string' || mediaId === '') return { kind: 'invalid', reason: `${msgType} reply without MediaId` };
    return { kind: 'replied', msgType, mediaId, raw };
  }
  return { kind: 'replied', msgType, raw };
}

function parseRoot(text: string): Record<string, unknown> | undefined {
  if (/<!DOCTYPE|<!ENTITY/i.test(text) || XMLValidator.validate(text) !== true) return undefined;
  try {
    const document: unknown = parser.parse(text);
    const root = typeof document === 'object' && document !== null ? (document as Record<string, unknown>).xml : undefined;
    return typeof root === 'object' && root !== null && !Array.isArray(root) ? (root as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
