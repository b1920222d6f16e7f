/**
 * Active sends through the customer-service message API (客服消息, PLATFORMS.md §2.5): text, and
 * images by media_id. A rejected access_token is refreshed and the send retried exactly once;
 * WeChat's errcodes become `ChannelSendError`s whose `retryable` tells the outbox what to do.
 */
import { ChannelSendError } from '../../bot/errors.ts';
import type { OutboundReply } from '../../bot/model.ts';
import type { SendResult } from '../types.ts';
import type { AccessTokenProvider } from './access-token.ts';
import { callWechatApi, type FetchFunction } from './api-client.ts';
import { formatReplyText } from './format.ts';

/** One customer-service message body. */
export type CustomMessage =
  | { touser: string; msgtype: 'text'; text: { content: string } }
  | { touser: string; msgtype: 'image'; image: { media_id: string } };

/** invalid credential, invalid access_token, access_token expired: refresh and try again. */
const tokenErrors = new Set([40001, 40014, 42001]);
/** system busy, daily quota, minute quota: the outbox should try again later. */
const retryableErrors = new Set([-1, 45009, 45011]);

/** Sends replies to one follower through the API. */
export interface OfficialSender {
  /** Send every message of `reply` (text first, then images) to `openId`. Throws `ChannelSendError`. */
  send(openId: string, reply: OutboundReply): Promise<SendResult>;
}

/** Create the sender; `timeoutMs` bounds each HTTP call (default 10 s). */
export function createOfficialSender(options: {
  apiBaseUrl: string;
  fetch: FetchFunction;
  tokens: AccessTokenProvider;
  timeoutMs?: number;
}): OfficialSender {
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function post(message: CustomMessage): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const token = await options.tokens.get();
      const url = `${options.apiBaseUrl}/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token)}`;
      const answer = await callWechatApi(
        options.fetch,
        url,
        { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(message) },
        { what: 'WeChat custom send', timeoutMs },
      );
      if (answer.errcode === 0) return;
      if (tokenErrors.has(answer.errcode) && attempt === 1) {
        await options.tokens.invalidate(token);
        continue;
      }
      throw sendError(answer.errcode, answer.errmsg);
    }
  }

  return {
    async send(openId, reply) {
      const messages = customMessages(openId, reply);
      if (messages.length === 0) {
        throw new ChannelSendError('reply has nothing WeChat can show', { retryable: false, code: 'empty_reply' });
      }
      // Sequential, so the follower sees them in order. A failure after the first message means the
      // outbox's retry may send that first message again (WeChat has no idempotency key).
      for (const message of messages) await post(message);
      return {};
    },
  };
}

/** The API messages for a reply: its formatted text, then each image that has a media_id. */
export function customMessages(openId: string, reply: OutboundReply): CustomMessage[] {
  const messages: CustomMessage[] = [];
  const text = formatReplyText(reply);
  if (text !== '') messages.push({ touser: openId, msgtype: 'text', text: { content: text } });
  for (const part of reply.parts) {
    if (part.type === 'image' && part.mediaId) {
      messages.push({ touser: openId, msgtype: 'image', image: { media_id: part.mediaId } });
    }
  }
  return messages;
}

/** Map a WeChat errcode to a `ChannelSendError` (platformCode = the errcode). */
export function sendError(errcode: number, errmsg: string): ChannelSendError {
  // 45015 (no user message in 48 h / unsubscribed) and 45047 (5 messages used) will not get better
  // by retrying; tokens still rejected after one refresh probably raced another refresh.
  const retryable = retryableErrors.has(errcode) || tokenErrors.has(errcode);
  return new ChannelSendError(`WeChat custom send: errcode ${errcode} ${errmsg}`.trim(), {
    retryable,
    platformCode: String(errcode),
  });
}
