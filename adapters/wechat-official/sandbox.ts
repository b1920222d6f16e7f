/**
 * WeChat's side of an Official Account, for tests, benchmarks and the demo: the API the adapter calls
 * (`/cgi-bin/token`, `/cgi-bin/message/custom/send`) and simulated followers whose messages reach the
 * webhook exactly as WeChat sends them — signed, encrypted in safe mode, retried on timeout — and
 * whose inboxes record every reply, passive or via the API.
 *
 * Mount `sandbox.middleware` in a Koa app (with `basePath`, e.g. '/sandbox/wechat-official'), or call
 * `sandbox.listen()` for a server of its own; point the adapter's `apiBaseUrl` at it.
 */
import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createSandboxApi } from './sandbox-api.ts';
import { buildCallback, type CallbackAccount } from './sandbox-callback.ts';
import { sandboxSignature } from './sandbox-crypto.ts';
import { deliverCallback, SandboxNotConnectedError, verifyWebhookUrl } from './sandbox-follower.ts';
import { createSandboxInboxes } from './sandbox-inbox.ts';
import { decodePassiveReply } from './sandbox-reply-decoder.ts';
import { createReplyWindows, type Interaction } from './sandbox-reply-window.ts';
import type { SandboxDelivery, WechatOfficialSandbox, WechatOfficialSandboxOptions } from './sandbox-types.ts';

export type { SandboxDelivery, WechatOfficialSandbox, WechatOfficialSandboxOptions } from './sandbox-types.ts';
export type { SandboxCallback, SandboxMode } from './sandbox-callback.ts';
export type { SandboxReply, WaitForRepliesOptions } from './sandbox-inbox.ts';
export { SandboxTimeoutError } from './sandbox-inbox.ts';
export type { ReplyDecoding } from './sandbox-reply-decoder.ts';
export type { SandboxApiStats } from './sandbox-api.ts';
export type { WindowRule } from './sandbox-reply-window.ts';
export { SandboxNotConnectedError } from './sandbox-follower.ts';

/** Create a sandbox Official Account. */
export function createWechatOfficialSandbox(options: WechatOfficialSandboxOptions): WechatOfficialSandbox {
  const now = options.now ?? Date.now;
  const fetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const account: CallbackAccount = {
    appId: options.appId,
    token: options.token,
    encodingAesKey: options.encodingAesKey,
    originalId: options.originalId ?? 'gh_kefusandbox01',
    mode: options.mode ?? (options.encodingAesKey ? 'safe' : 'plain'),
  };
  const policy = {
    tryTimeoutMs: options.tryTimeoutMs ?? 5000,
    maxTries: options.maxTries ?? 3,
    abortOnTimeout: options.abortOnTimeout ?? true,
  };
  const inboxes = createSandboxInboxes();
  const windows = createReplyWindows({
    now,
    message: options.messageWindow ?? { durationMs: 48 * 60 * 60 * 1000, maxMessages: 5 },
    event: options.eventWindow ?? { durationMs: 60 * 1000, maxMessages: 3 },
  });
  const api = createSandboxApi({
    appId: options.appId,
    appSecret: options.appSecret,
    basePath,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    now,
    windows,
    inboxes,
  });
  const app = new Koa();
  app.use(api.middleware);
  const servers: Server[] = [];
  let webhookUrl = options.webhookUrl;
  let apiBaseUrl: string | undefined;
  // 64-bit MsgIds above 2^53, so a parser that turns them into numbers gets caught.
  let nextMsgId = 6_054_768_590_064_713_728n + BigInt(randomInt(1_000_000)) * 1_000_000n;

  function fieldsFor(openId: string, msgType: string, extra: Record<string, string>): Record<string, string> {
    const fields: Record<string, string> = {
      ToUserName: account.originalId,
      FromUserName: openId,
      CreateTime: String(Math.floor(now() / 1000)),
      MsgType: msgType,
      ...extra,
    };
    if (msgType !== 'event' && fields.MsgId === undefined) fields.MsgId = String((nextMsgId += 1n));
    return fields;
  }

  async function send(openId: string, msgType: string, extra: Record<string, string> = {}): Promise<SandboxDelivery> {
    if (webhookUrl === undefined) throw new SandboxNotConnectedError();
    const interaction = interactionOf(msgType, extra.Event);
    if (interaction !== undefined) windows.record(openId, interaction);
    const callback = buildCallback(account, fieldsFor(openId, msgType, extra), now());
    const delivery = await deliverCallback(fetchFunction, webhookUrl, callback, policy);
    const base = { tries: delivery.tries, status: delivery.status, detail: delivery.detail, callback };
    if (delivery.outcome !== 'answered') return { ...base, outcome: delivery.outcome };
    const decoded = decodePassiveReply(account, openId, delivery.body ?? '');
    if (decoded.kind === 'acknowledged') return { ...base, outcome: 'acknowledged' };
    if (decoded.kind === 'invalid') return { ...base, outcome: 'invalid-reply', detail: decoded.reason };
    const { kind: _kind, ...reply } = decoded;
    return { ...base, outcome: 'replied', reply: inboxes.add({ ...reply, openId, via: 'passive', receivedAt: now() }) };
  }

  return {
    appId: options.appId,
    originalId: account.originalId,
    mode: account.mode,
    middleware: api.middleware,
    callback: () => app.callback(),
    async listen(port = 0, host = '127.0.0.1') {
      const server = createServer(app.callback());
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, resolve);
      });
      servers.push(server);
      apiBaseUrl = `http://${host}:${(server.address() as AddressInfo).port}${basePath}`;
      return { apiBaseUrl };
    },
    get apiBaseUrl() {
      return apiBaseUrl;
    },
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    sendText: (openId, text) => send(openId, 'text', { Content: text }),
    sendImage: (openId, image = {}) =>
      send(openId, 'image', { PicUrl: image.picUrl ?? 'http://mmbiz.qpic.cn/sandbox/0', MediaId: image.mediaId ?? `media-${randomInt(1e9)}` }),
    sendVoice: (openId, voice = {}) =>
      send(openId, 'voice', {
        MediaId: voice.mediaId ?? `media-${randomInt(1e9)}`,
        Format: voice.format ?? 'amr',
        ...(voice.recognition === undefined ? {} : { Recognition: voice.recognition }),
      }),
    sendVideo: (openId, video = {}) =>
      send(openId, video.short ? 'shortvideo' : 'video', {
        MediaId: video.mediaId ?? `media-${randomInt(1e9)}`,
        ThumbMediaId: video.thumbMediaId ?? `thumb-${randomInt(1e9)}`,
      }),
    sendLocation: (openId, location) =>
      send(openId, 'location', {
        Location_X: String(location.latitude),
        Location_Y: String(location.longitude),
        Scale: String(location.scale ?? 15),
        Label: location.label ?? '',
      }),
    sendLink: (openId, link) => send(openId, 'link', { Title: link.title, Description: link.description ?? '', Url: link.url }),
    sendEvent: (openId, event, key) => send(openId, 'event', { Event: event, ...(key === undefined ? {} : { EventKey: key }) }),
    sendMessage: (openId, msgType, fields) => send(openId, msgType, fields),
    async verifyWebhook() {
      if (webhookUrl === undefined) throw new SandboxNotConnectedError();
      const timestamp = String(Math.floor(now() / 1000));
      const nonce = String(randomInt(100_000_000, 2_000_000_000));
      const echostr = String(randomInt(1e12));
      const signature = sandboxSignature(account.token, timestamp, nonce);
      return verifyWebhookUrl(fetchFunction, webhookUrl, { signature, timestamp, nonce, echostr }, policy.tryTimeoutMs);
    },
    buildCallback: (openId, msgType, fields = {}) => buildCallback(account, fieldsFor(openId, msgType, fields), now()),
    decodeReply: (openId, body) => decodePassiveReply(account, openId, body),
    inbox: inboxes.inbox,
    lastSequence: inboxes.lastSequence,
    waitForReplies: inboxes.waitForReplies,
    expireTokens: api.expireTokens,
    revokeTokens: api.revokeTokens,
    failNextSends: api.failNextSends,
    stats: api.stats,
    async close() {
      await Promise.all(
        servers.splice(0).map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}

/** Which window a follower action opens (automatic location reports open none). */
function interactionOf(msgType: string, event: string | undefined): Interaction | undefined {
  if (msgType !== 'event') return 'message';
  if (event === 'unsubscribe') return 'unsubscribe';
  if (event === 'LOCATION' || event === 'TEMPLATESENDJOBFINISH' || event === 'MASSSENDJOBFINISH') return undefined;
  return 'event';
}
