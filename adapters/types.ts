/**
 * The adapter contract. A channel adapter turns one platform account's HTTP callbacks into
 * `InboundMessage`s and sends `OutboundReply`s back. It holds no business logic and touches no
 * storage: ingress (`bot/ingress.ts`) verifies through it, persists, acknowledges and enqueues.
 *
 * Required core: `handleWebhook`, `acknowledge`, `postMessage`, `encodeThreadId`/`decodeThreadId`.
 * Optional capabilities (absent = not supported): `passiveReply`, `replyWindow`.
 */
import type { ChannelType, InboundMessage, OutboundReply } from '../bot/model.ts';

/** An HTTP callback as the webhook route received it; `rawBody` is exactly the bytes sent. */
export interface WebhookRequest {
  method: string;
  /** URL-decoded query parameters (first value of each). */
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

/** What the webhook route answers. */
export interface WebhookResponse {
  status: number;
  body: string;
  contentType?: string;
}

/**
 * What an adapter made of a webhook call:
 * - `response`: answer at once, nothing to process (URL verification, an event Kefu ignores);
 * - `messages`: messages to persist; then answer with `acknowledge` or `passiveReply`, passing
 *   `replyContext` back to the adapter.
 */
export type WebhookResult =
  | { kind: 'response'; response: WebhookResponse }
  | { kind: 'messages'; messages: InboundMessage[]; replyContext: ReplyContext };

/** Opaque, adapter-specific data needed to answer a callback (e.g. WeChat's nonce and ids). */
export type ReplyContext = Record<string, string | boolean | undefined>;

/** Where an active (API) send goes. */
export interface SendTarget {
  platformThreadId: string;
  /** The customer the reply is for (for groups: the one who asked). */
  platformUserId: string;
}

/** The platform's answer to an active send. */
export interface SendResult {
  platformMessageId?: string;
}

/** A platform's rule for when the bot may send unprompted (e.g. WeChat: 5 messages in 48 h). */
export interface ReplyWindow {
  /** How long after the customer's last message the account may send. */
  durationMs: number;
  /** How many messages may be sent per customer message inside that time. */
  maxMessages: number;
}

/** One connected platform account. Created by the channel's factory from its config. */
export interface ChannelAdapter {
  readonly type: ChannelType;
  /** The channel account id from `kefu.config.json` (also the last webhook path segment). */
  readonly accountId: string;

  /**
   * Verify (signature, timestamp window), decrypt and parse a callback.
   * Throws `SignatureError` (→ 401) or `MalformedRequestError` (→ 400); never stores anything.
   */
  handleWebhook(request: WebhookRequest): Promise<WebhookResult>;

  /** The answer that tells the platform "received, no passive reply" (WeChat: `success`). */
  acknowledge(context: ReplyContext): WebhookResponse;

  /**
   * The answer that carries a reply in the callback's HTTP response, when the platform has one.
   * Ingress uses it only while the platform's deadline allows.
   */
  passiveReply?(context: ReplyContext, reply: OutboundReply): WebhookResponse;

  /** Send through the platform's API. Throws `ChannelSendError` (with `retryable`). */
  postMessage(target: SendTarget, reply: OutboundReply): Promise<SendResult>;

  /** The platform's unprompted-send window, when it has one. */
  readonly replyWindow?: ReplyWindow;

  /** Opaque thread id `"<type>:<account>:<platform thread>"`; must round-trip. */
  encodeThreadId(platformThreadId: string): string;
  decodeThreadId(threadId: string): string;

  /** Release timers and connections. */
  close?(): Promise<void>;
}

/** The standard thread-id encoding; adapters use it unless their platform ids need escaping. */
export function encodeThreadId(type: ChannelType, accountId: string, platformThreadId: string): string {
  return `${type}:${accountId}:${encodeURIComponent(platformThreadId)}`;
}

/** Inverse of `encodeThreadId`; throws when the id belongs to another channel account. */
export function decodeThreadId(type: ChannelType, accountId: string, threadId: string): string {
  const prefix = `${type}:${accountId}:`;
  if (!threadId.startsWith(prefix)) {
    throw new Error(`thread id ${threadId} does not belong to ${type}:${accountId}`);
  }
  return decodeURIComponent(threadId.slice(prefix.length));
}
