/**
 * The comparison servers, each run as its own child process so the load generator never shares a
 * process with the server it measures:
 *
 * - `ceiling`: a bare Koa app answering every request `success` — the most any Koa webhook can do.
 * - `peer`: the node-webot `wechat` middleware (what Node users pick today) in the same Koa, through
 *   a three-line connect adapter, configured for safe mode; its handler acknowledges with `''`
 *   (`res.reply('')`), the peer of Kefu's `success` acknowledgement.
 * - `wechat-api`: a stand-in for api.weixin.qq.com (`/cgi-bin/token`, `/cgi-bin/message/custom/send`)
 *   that accepts every send, so Kefu's outbox delivers its answers as in production.
 *
 * Usage: node --import tsx bench/ingress/servers.ts <ceiling|peer|wechat-api> — prints
 * `listening <port>` once it serves.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import Koa from 'koa';
import { account } from './payloads.ts';

type ConnectMiddleware = (req: IncomingMessage & { query?: unknown }, res: ServerResponse, next: (error?: unknown) => void) => void;

function ceiling(): Koa {
  const app = new Koa();
  app.use((ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'success';
  });
  return app;
}

function peer(): Koa {
  const require = createRequire(import.meta.url);
  const wechat = require('wechat') as (config: object, handler: (req: unknown, res: { reply(content: string): void }) => void) => ConnectMiddleware;
  const middleware = wechat(
    { token: account.token, appid: account.appId, encodingAESKey: account.encodingAesKey },
    (_req, res) => res.reply(''),
  );
  const app = new Koa();
  app.use(
    (ctx) =>
      new Promise<void>((resolve, reject) => {
        // The usual koa-connect bridge: hand the raw req/res to the connect middleware.
        ctx.respond = false;
        const req = ctx.req as IncomingMessage & { query?: unknown };
        req.query = ctx.query;
        ctx.res.once('finish', () => resolve());
        middleware(req, ctx.res, (error) => {
          if (error) return reject(error);
          ctx.res.statusCode = 404;
          ctx.res.end();
        });
      }),
  );
  return app;
}

function wechatApi(): Koa {
  const tokens = new Set<string>();
  const stats = { tokens: 0, sends: 0, rejected: 0 };
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.path === '/cgi-bin/token') {
      if (ctx.query.appid !== account.appId || ctx.query.secret !== account.appSecret) {
        ctx.body = { errcode: 40001, errmsg: 'invalid credential' };
        return;
      }
      const token = randomBytes(24).toString('base64url');
      tokens.add(token);
      stats.tokens += 1;
      ctx.body = { access_token: token, expires_in: 7200 };
    } else if (ctx.path === '/cgi-bin/message/custom/send' && ctx.method === 'POST') {
      let body = '';
      for await (const chunk of ctx.req) body += String(chunk);
      let message: { touser?: unknown; msgtype?: unknown } = {};
      try {
        message = JSON.parse(body) as typeof message;
      } catch {
        // counted below
      }
      const ok = tokens.has(String(ctx.query.access_token)) && typeof message.touser === 'string' && typeof message.msgtype === 'string';
      if (ok) stats.sends += 1;
      else stats.rejected += 1;
      ctx.body = ok ? { errcode: 0, errmsg: 'ok' } : { errcode: 47001, errmsg: 'data format error' };
    } else if (ctx.path === '/stats') {
      ctx.body = stats;
    } else {
      ctx.status = 404;
    }
  });
  return app;
}

const kind = process.argv[2];
const apps: Record<string, () => Koa> = { ceiling, peer, 'wechat-api': wechatApi };
const make = kind ? apps[kind] : undefined;
if (!make) {
  process.stderr.write(`usage: servers.ts <${Object.keys(apps).join('|')}>\n`);
  process.exit(2);
}
const server = createServer(make().callback());
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
