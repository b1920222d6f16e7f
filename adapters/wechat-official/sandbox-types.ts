/** The public shapes of the Official Account sandbox (see `sandbox.ts`). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Koa from 'koa';
import type { FetchFunction } from './api-client.ts';
import type { SandboxApiStats } from './sandbox-api.ts';
import type { SandboxCallback, SandboxMode } from './sandbox-callback.ts';
import type { SandboxReply, WaitForRepliesOptions } from './sandbox-inbox.ts';
import type { ReplyDecoding } from './sandbox-reply-decoder.ts';
import type { WindowRule } from './sandbox-reply-window.ts';

/** Options of `createWechatOfficialSandbox`. */
export interface WechatOfficialSandboxOptions {
  appId: string;
  appSecret: string;
  token: string;
  /** Needed for `compatible` and `safe` mode. */
  encodingAesKey?: string;
  /** The account's original id; default `gh_kefusandbox01`. */
  originalId?: string;
  /** Default `safe` when an encodingAesKey is given, else `plain`. */
  mode?: SandboxMode;
  /** Where callbacks go, e.g. `http://127.0.0.1:3000/webhooks/wechat-official/demo-oa`. */
  webhookUrl?: string;
  /** Path prefix of the API routes in `middleware`; default ''. */
  basePath?: string;
  /** Lifetime of issued access_tokens; default 7200 s. */
  tokenTtlSeconds?: number;
  /** Per-try callback timeout; default 5000 ms (WeChat's). */
  tryTimeoutMs?: number;
  /** Tries per callback in total; default 3. */
  maxTries?: number;
  /** Drop a timed-out try before retrying (default true); false keeps it open, overlapping the retry. */
  abortOnTimeout?: boolean;
  /** Window a follower's message opens; default 48 h / 5 messages. */
  messageWindow?: WindowRule;
  /** Window a follow / scan / menu click opens; default 1 min / 3 messages. */
  eventWindow?: WindowRule;
  /** Sandbox clock (ms): callback timestamps, token expiry, windows. Default `Date.now`. */
  now?: () => number;
  /** HTTP client for callbacks; default `globalThis.fetch`. */
  fetch?: FetchFunction;
}

/** How one simulated follower action went. */
export interface SandboxDelivery {
  /**
   * `acknowledged` (success / empty), `replied` (a valid passive reply, now in the inbox),
   * `invalid-reply` (the follower would see "该公众号暂时无法提供服务"), `rejected` (non-200),
   * `timed-out` (every try exceeded the timeout), `failed` (could not connect).
   */
  outcome: 'acknowledged' | 'replied' | 'invalid-reply' | 'rejected' | 'timed-out' | 'failed';
  tries: number;
  status?: number;
  detail?: string;
  /** The passive reply, when there was one. */
  reply?: SandboxReply;
  /** The callback exactly as sent (identical on every try). */
  callback: SandboxCallback;
}

/** A running sandbox. */
export interface WechatOfficialSandbox {
  readonly appId: string;
  readonly originalId: string;
  readonly mode: SandboxMode;
  /** Koa middleware serving the API under `basePath`; passes other requests on. */
  readonly middleware: Koa.Middleware;
  /** A Node `request` listener serving the API (for `http.createServer`). */
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  /** Serve the API on 127.0.0.1 (port 0 = ephemeral). Resolves with the URL to use as `apiBaseUrl`. */
  listen(port?: number, host?: string): Promise<{ apiBaseUrl: string }>;
  /** The URL of the last `listen`, if any. */
  readonly apiBaseUrl: string | undefined;
  setWebhookUrl(url: string): void;

  sendText(openId: string, text: string): Promise<SandboxDelivery>;
  sendImage(openId: string, image?: { picUrl?: string; mediaId?: string }): Promise<SandboxDelivery>;
  sendVoice(openId: string, voice?: { mediaId?: string; format?: string; recognition?: string }): Promise<SandboxDelivery>;
  sendVideo(openId: string, video?: { mediaId?: string; thumbMediaId?: string; short?: boolean }): Promise<SandboxDelivery>;
  sendLocation(openId: string, location: { latitude: number; longitude: number; scale?: number; label?: string }): Promise<SandboxDelivery>;
  sendLink(openId: string, link: { title: string; description?: string; url: string }): Promise<SandboxDelivery>;
  /** An event (`subscribe`, `unsubscribe`, `SCAN`, `CLICK`, `VIEW`, …) with its optional EventKey. */
  sendEvent(openId: string, event: string, key?: string): Promise<SandboxDelivery>;
  /** Any message type with extra fields (MsgId added unless it is an event). */
  sendMessage(openId: string, msgType: string, fields?: Record<string, string>): Promise<SandboxDelivery>;
  /** The console's URL check (GET with echostr); true when the webhook echoed it. */
  verifyWebhook(): Promise<boolean>;

  /** Build a callback without sending it or touching the window (for in-process tests). */
  buildCallback(openId: string, msgType: string, fields?: Record<string, string>): SandboxCallback;
  /** Decode a 200 answer to a callback for `openId` the way WeChat would (not stored). */
  decodeReply(openId: string, body: string): ReplyDecoding;

  inbox(openId: string, afterSequence?: number): SandboxReply[];
  lastSequence(openId: string): number;
  waitForReplies(openId: string, options?: WaitForRepliesOptions): Promise<SandboxReply[]>;

  expireTokens(): void;
  revokeTokens(): void;
  failNextSends(errcode: number, times?: number): void;
  stats(): SandboxApiStats;
  /** Stop servers started by `listen`. */
  close(): Promise<void>;
}
