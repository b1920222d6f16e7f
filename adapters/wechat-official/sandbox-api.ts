/**
 * The WeChat API the adapter calls, as Koa middleware: `GET /cgi-bin/token` and
 * `POST /cgi-bin/message/custom/send` (PLATFORMS.md §2.5–2.6), answering HTTP 200 with
 * `{errcode, errmsg}` like WeChat. Tokens expire; a new token ends older ones after 5 minutes;
 * sends are checked against the reply window and land in the follower's inbox.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type Koa from 'koa';
import type { SandboxInboxes } from './sandbox-inbox.ts';
import type { ReplyWindows } from './sandbox-reply-window.ts';

/** Request counts, for tests and benchmarks. */
export interface SandboxApiStats {
  tokenRequests: number;
  tokensIssued: number;
  sendRequests: number;
  sendsDelivered: number;
}

/** The API half of the sandbox. */
export interface SandboxApi {
  middleware: Koa.Middleware;
  /** Make every issued token expired (→ 42001). */
  expireTokens(): void;
  /** Forget every issued token (→ 40001, as after a refresh elsewhere). */
  revokeTokens(): void;
  /** Answer the next `times` custom sends with `errcode` (e.g. -1, 45009) before any other check. */
  failNextSends(errcode: number, times?: number): void;
  stats(): SandboxApiStats;
}

/** Options of `createSandboxApi`. */
export interface SandboxApiOptions {
  appId: string;
  appSecret: string;
  /** Path prefix the routes live under ('' or e.g. '/sandbox/wechat-official'). */
  basePath: string;
  tokenTtlSeconds: number;
  now: () => number;
  windows: ReplyWindows;
  inboxes: SandboxInboxes;
}

const replacedTokenGraceMs = 5 * 60 * 1000;
const maxBodyBytes = 1024 * 1024;
const textLimitBytes = 2048;

/** Create the API middleware and its controls. */
export function createSandboxApi(options: SandboxApiOptions): SandboxApi {
  const tokens = new Map<string, number>();
  const failures: number[] = [];
  const stats: SandboxApiStats = { tokenRequests: 0, tokensIssued: 0, sendRequests: 0, sendsDelivered: 0 };

  function issueToken(query: URLSearchParams): object {
    stats.tokenRequests += 1;
    if (query.get('grant_type') !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' };
    if (query.get('appid') !== options.appId) return { errcode: 40013, errmsg: 'invalid appid' };
    if (query.get('secret') !== options.appSecret) return { errcode: 40001, errmsg: 'invalid credential, AppSecret error' };
    const now = options.now();
    for (const [token, expiresAt] of tokens) tokens.set(token, Math.min(expiresAt, now + replacedTokenGraceMs));
    const token = `sandbox-${randomBytes(24).toString('base64url')}`;
    tokens.set(token, now + options.tokenTtlSeconds * 1000);
    stats.tokensIssued += 1;
    return { access_token: token, expires_in: options.tokenTtlSeconds };
  }

  function send(query: URLSearchParams, body: string): object {
    stats.sendRequests += 1;
    const token = query.get('access_token');
    if (!token) return { errcode: 41001, errmsg: 'access_token missing' };
    const expiresAt = tokens.get(token);
    if (expiresAt === undefined) return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    if (expiresAt <= options.now()) return { errcode: 42001, errmsg: 'access_token expired' };
    const injected = failures.shift();
    if (injected !== undefined) return { errcode: injected, errmsg: 'injected by the sandbox' };
    const message = parseMessage(body);
    if (typeof message === 'string') return { errcode: 47001, errmsg: `data format error: ${message}` };
    if (message.content !== undefined && Buffer.byteLength(message.content, 'utf8') > textLimitBytes) {
      return { errcode: 45002, errmsg: 'content size out of limit' };
    }
    const verdict = options.windows.consume(message.openId);
    if (verdict === 45015) return { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' };
    if (verdict === 45047) return { errcode: 45047, errmsg: 'out of response count limit' };
    options.inboxes.add({ ...message, via: 'api', receivedAt: options.now(), raw: body });
    stats.sendsDelivered += 1;
    return { errcode: 0, errmsg: 'ok' };
  }

  const middleware: Koa.Middleware = async (ctx, next) => {
    const route = ctx.path.startsWith(options.basePath) ? ctx.path.slice(options.basePath.length) : undefined;
    const query = new URLSearchParams(ctx.querystring);
    if (route === '/cgi-bin/token' && ctx.method === 'GET') {
      ctx.body = issueToken(query);
    } else if (route === '/cgi-bin/message/custom/send' && ctx.method === 'POST') {
      const body = await readBody(ctx.req);
      ctx.body = body === undefined ? { errcode: 44002, errmsg: 'empty post data' } : send(query, body);
    } else {
      return next();
    }
  };

  return {
    middleware,
    expireTokens() {
      const now = options.now();
      for (const token of tokens.keys()) tokens.set(token, now);
    },
    revokeTokens() {
      tokens.clear();
    },
    failNextSends(errcode, times = 1) {
      for (let index = 0; index < times; index += 1) failures.push(errcode);
    },
    stats: () => ({ ...stats }),
  };
}

interface ParsedMessage {
  openId: string;
  msgType: string;
  content?: string;
  mediaId?: string;
}

/** Decode a custom-send body; a string is the reason it is malformed. */
function parseMessage(body: string): ParsedMessage | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'not JSON';
  }
  if (typeof json !== 'object' || json === null) return 'not an object';
  const record = json as Record<string, unknown>;
  const { touser, msgtype } = record;
  if (typeof touser !== 'string' || touser === '') return 'touser missing';
  if (typeof msgtype !== 'string') return 'msgtype missing';
  const payload = record[msgtype];
  const fields = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  if (msgtype === 'text') {
    return typeof fields.content === 'string' ? { openId: touser, msgType: msgtype, content: fields.content } : 'text.content missing';
  }
  if (['image', 'voice', 'video', 'mpvideo'].includes(msgtype)) {
    return typeof fields.media_id === 'string' ? { openId: touser, msgType: msgtype, mediaId: fields.media_id } : `${msgtype}.media_id missing`;
  }
  return { openId: touser, msgType: msgtype };
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(buffer);
  }
  return size === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
}
