/**
 * Verification and opening of Official Account callbacks (PLATFORMS.md §2.1–2.2): the plain
 * `signature` on every request, the timestamp window, and in safe / compatibility mode
 * (`encrypt_type=aes`) the `msg_signature` over `Encrypt` plus decryption for this AppID.
 */
import { MalformedRequestError, SignatureError } from '../../bot/errors.ts';
import type { ReplyContext, WebhookRequest, WebhookResult } from '../types.ts';
import {
  decryptMessage,
  messageSignature,
  plainSignature,
  signaturesEqual,
  WechatCryptoError,
} from '../wechat-crypto/index.ts';
import type { WechatOfficialSettings } from './config.ts';
import { isNotificationEvent, readCallbackHeader, toInboundMessage } from './inbound.ts';
import { parseWechatXml, textField, type XmlRecord } from './xml.ts';

/** What the adapter needs to answer a callback; stored in `ReplyContext`. */
export interface OfficialReplyContext extends ReplyContext {
  /** The follower's OpenID (the reply's ToUserName). */
  openId: string;
  /** The account's original id `gh_…` (the reply's FromUserName). */
  originalId: string;
  timestamp: string;
  nonce: string;
  /** True when the callback was encrypted, so a passive reply must be too. */
  safeMode: boolean;
}

/** The answer to a callback that needs no processing. */
const success = { status: 200, body: 'success', contentType: 'text/plain; charset=utf-8' };

/** Verify, decrypt and parse one webhook request. `nowMs` is the current time. */
export function openWebhook(request: WebhookRequest, settings: WechatOfficialSettings, nowMs: number): WebhookResult {
  const method = request.method.toUpperCase();
  const { timestamp, nonce } = verifyPlainSignature(request.query, settings, nowMs);
  if (method === 'GET') {
    const echostr = request.query.echostr;
    if (echostr === undefined) throw new MalformedRequestError('URL verification without echostr');
    // OA echoes echostr as-is, even in safe mode (unlike WeCom, whose echostr is encrypted).
    return { kind: 'response', response: { status: 200, body: echostr, contentType: 'text/plain; charset=utf-8' } };
  }
  if (method !== 'POST') throw new MalformedRequestError(`method ${method} is not a WeChat callback`);

  const encryptType = request.query.encrypt_type;
  if (encryptType !== undefined && encryptType !== 'aes' && encryptType !== 'raw') {
    throw new MalformedRequestError(`unknown encrypt_type ${encryptType}`);
  }
  const safeMode = encryptType === 'aes';
  const outer = parseWechatXml(request.rawBody.toString('utf8'));
  // Compatibility mode sends plaintext fields and Encrypt together; only the signed, encrypted part counts.
  const fields = safeMode ? openEncrypted(outer, request.query, settings) : outer;
  if (isNotificationEvent(fields)) return { kind: 'response', response: success };

  const message = toInboundMessage(fields);
  const header = readCallbackHeader(fields);
  if (settings.originalId !== undefined && header.toUserName !== settings.originalId) {
    throw new MalformedRequestError('callback is addressed to another account');
  }
  const replyContext: OfficialReplyContext = {
    openId: header.fromUserName,
    originalId: header.toUserName,
    timestamp,
    nonce,
    safeMode,
  };
  return { kind: 'messages', messages: [message], replyContext };
}

function verifyPlainSignature(
  query: Record<string, string>,
  settings: WechatOfficialSettings,
  nowMs: number,
): { timestamp: string; nonce: string } {
  const { signature, timestamp, nonce } = query;
  if (signature === undefined || timestamp === undefined || nonce === undefined) {
    throw new SignatureError('signature, timestamp or nonce missing');
  }
  if (!signaturesEqual(plainSignature(settings.token, timestamp, nonce), signature)) throw new SignatureError();
  if (!/^\d{1,12}$/.test(timestamp)) throw new SignatureError('timestamp is not a number of seconds');
  const window = settings.timestampWindowSeconds;
  if (window > 0 && Math.abs(nowMs / 1000 - Number(timestamp)) > window) {
    throw new SignatureError('timestamp outside the allowed window');
  }
  return { timestamp, nonce };
}

function openEncrypted(outer: XmlRecord, query: Record<string, string>, settings: WechatOfficialSettings): XmlRecord {
  const key = settings.encodingAesKey;
  if (key === undefined) throw new MalformedRequestError('encrypted callback but no encodingAesKey is configured');
  const encrypted = textField(outer, 'Encrypt');
  if (encrypted === undefined || encrypted === '') throw new MalformedRequestError('encrypted callback without Encrypt');
  const received = query.msg_signature;
  const { timestamp = '', nonce = '' } = query;
  if (received === undefined || !signaturesEqual(messageSignature(settings.token, timestamp, nonce, encrypted), received)) {
    throw new SignatureError('msg_signature verification failed');
  }
  let plaintext: string;
  try {
    plaintext = decryptMessage(key, encrypted, settings.appId);
  } catch (error) {
    if (error instanceof WechatCryptoError && error.code === 'wechat_receive_id_mismatch') {
      throw new SignatureError('message was encrypted for another AppID', { cause: error });
    }
    throw new MalformedRequestError('Encrypt did not decrypt', { cause: error });
  }
  return parseWechatXml(plaintext);
}
