/**
 * The WeChat Official Account (公众号) channel adapter: verifies and decrypts callbacks, parses them
 * into `InboundMessage`s, answers with `success` or a (safe-mode encrypted) passive reply, and sends
 * through the customer-service API within WeChat's reply window.
 */
import { randomBytes } from 'node:crypto';
import { MalformedRequestError } from '../../bot/errors.ts';
import type { OutboundReply } from '../../bot/model.ts';
import type { Cache } from '../../bot/ports/cache.ts';
import type { Lock } from '../../bot/ports/lock.ts';
import {
  decodeThreadId,
  encodeThreadId,
  type ChannelAdapter,
  type ReplyContext,
  type WebhookResponse,
} from '../types.ts';
import { httpFetch } from '../http-fetch.ts';
import { encryptMessage, messageSignature } from '../wechat-crypto/index.ts';
import { createAccessTokenProvider } from './access-token.ts';
import type { FetchFunction } from './api-client.ts';
import { parseWechatOfficialConfig, type WechatOfficialConfig } from './config.ts';
import { buildEncryptedEnvelopeXml, buildPassiveReplyXml, formatReplyText } from './format.ts';
import { createOfficialSender } from './outbound.ts';
import { openWebhook, type OfficialReplyContext } from './webhook.ts';

export { wechatOfficialConfigSchema, parseWechatOfficialConfig, defaultApiBaseUrl } from './config.ts';
export type { WechatOfficialConfig, WechatOfficialSettings } from './config.ts';
export type { OfficialReplyContext } from './webhook.ts';
export type { FetchFunction } from './api-client.ts';

/** What the adapter needs from the runtime. */
export interface WechatOfficialDependencies {
  /** Holds the access_token shared by all processes. */
  cache: Cache;
  /** Single-flights access_token refreshes across processes. */
  lock: Lock;
  /** HTTP client for the WeChat API; default `globalThis.fetch`. */
  fetch?: FetchFunction;
  /** Clock in milliseconds (timestamp window, reply CreateTime); default `Date.now`. */
  now?: () => number;
}

/** The June-2023 rule: a follower's message allows 5 API messages within 48 hours (§2.5). */
export const wechatOfficialReplyWindow = { durationMs: 48 * 60 * 60 * 1000, maxMessages: 5 } as const;

const success: WebhookResponse = { status: 200, body: 'success', contentType: 'text/plain; charset=utf-8' };

/**
 * Create the adapter of one Official Account. Validates `config` first and throws `ConfigError`
 * naming the bad key.
 */
export function createWechatOfficialAdapter(
  config: WechatOfficialConfig,
  dependencies: WechatOfficialDependencies,
): ChannelAdapter {
  const settings = parseWechatOfficialConfig(config);
  const now = dependencies.now ?? Date.now;
  const fetchFunction = dependencies.fetch ?? httpFetch;
  const tokens = createAccessTokenProvider({
    appId: settings.appId,
    appSecret: settings.appSecret,
    apiBaseUrl: settings.apiBaseUrl,
    cache: dependencies.cache,
    lock: dependencies.lock,
    fetch: fetchFunction,
  });
  const sender = createOfficialSender({ apiBaseUrl: settings.apiBaseUrl, fetch: fetchFunction, tokens });

  function passiveReply(context: ReplyContext, reply: OutboundReply): WebhookResponse {
    const callback = readReplyContext(context);
    const text = formatReplyText(reply);
    const imageMediaId = reply.parts.find((part) => part.type === 'image' && part.mediaId !== undefined);
    if (text === '' && imageMediaId === undefined) return success;
    const seconds = Math.floor(now() / 1000);
    const xml = buildPassiveReplyXml({
      toUserName: callback.openId,
      fromUserName: callback.originalId,
      createTime: seconds,
      content: text === '' ? undefined : text,
      imageMediaId: imageMediaId?.type === 'image' ? imageMediaId.mediaId : undefined,
    });
    if (!callback.safeMode) return { status: 200, body: xml, contentType: 'application/xml; charset=utf-8' };
    if (settings.encodingAesKey === undefined) throw new MalformedRequestError('safe-mode reply without encodingAesKey');
    const encrypt = encryptMessage(settings.encodingAesKey, xml, settings.appId, randomBytes(16));
    const timestamp = String(seconds);
    const envelope = buildEncryptedEnvelopeXml({
      encrypt,
      msgSignature: messageSignature(settings.token, timestamp, callback.nonce, encrypt),
      timestamp,
      nonce: callback.nonce,
    });
    return { status: 200, body: envelope, contentType: 'application/xml; charset=utf-8' };
  }

  return {
    type: 'wechat-official',
    accountId: settings.id,
    replyWindow: wechatOfficialReplyWindow,
    async handleWebhook(request) {
      return openWebhook(request, settings, now());
    },
    acknowledge() {
      return success;
    },
    passiveReply,
    postMessage(target, reply) {
      return sender.send(target.platformUserId, reply);
    },
    encodeThreadId(platformThreadId) {
      return encodeThreadId('wechat-official', settings.id, platformThreadId);
    },
    decodeThreadId(threadId) {
      return decodeThreadId('wechat-official', settings.id, threadId);
    },
    async close() {},
  };
}

function readReplyContext(context: ReplyContext): OfficialReplyContext {
  const { openId, originalId, timestamp, nonce, safeMode } = context;
  if (
    typeof openId !== 'string' ||
    typeof originalId !== 'string' ||
    typeof timestamp !== 'string' ||
    typeof nonce !== 'string' ||
    typeof safeMode !== 'boolean'
  ) {
    throw new MalformedRequestError('reply context does not come from a wechat-official callback');
  }
  return { openId, originalId, timestamp, nonce, safeMode };
}
