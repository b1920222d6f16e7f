/**
 * The HTTP surface: webhooks, health, metrics, the dashboard API, the demo chat page and (demo
 * only) the platform sandboxes. Routing only — every decision lives in ingress, the dashboard
 * router or the adapters.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Router, type RouterMiddleware } from '@koa/router';
import Koa from 'koa';
import getRawBody from 'raw-body';
import type { Logger } from 'pino';
import type { WebhookRequest } from '../adapters/types.ts';
import { channelTypes } from './config.ts';
import { handleWebhookCall, type IngressDependencies } from './ingress.ts';
import type { ChannelType } from './model.ts';

/** Webhook bodies above this are refused with 413 before parsing. */
export const maxWebhookBodyBytes = 1024 * 1024;

export interface HttpAppOptions {
  ingress: IngressDependencies;
  log: Logger;
  /** Readiness checks by name; each throws when not ready. */
  readiness: Record<string, () => Promise<void>>;
  metricsText: () => Promise<string>;
  /** Extra routers (dashboard API, sandboxes). */
  routers?: Router[];
  /** Koa middleware mounted before the routes (e.g. a sandbox under /sandbox). */
  middleware?: Koa.Middleware[];
}

const chatPage = fileURLToPath(new URL('../dashboards/web/chat.html', import.meta.url));

export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa({ proxy: true });
  const router = new Router();
  const webhookTypes = new Set<string>(channelTypes);

  // Errors are reported to the log and rendered as a safe JSON body, never a stack trace.
  app.on('error', (error: unknown) => options.log.error({ err: error }, 'http error'));
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      ctx.status = status;
      ctx.body = { error: { code: status === 500 ? 'internal' : 'bad_request', message: status === 500 ? 'internal error' : (error as Error).message } };
      if (status >= 500) ctx.app.emit('error', error, ctx);
    }
  });

  const webhook: RouterMiddleware = async (ctx) => {
    const type = ctx.params.type!;
    if (!webhookTypes.has(type)) ctx.throw(404, `unknown channel type ${type}`);
    let rawBody: Buffer = Buffer.alloc(0);
    if (ctx.method === 'POST') {
      try {
        rawBody = await getRawBody(ctx.req, { limit: maxWebhookBodyBytes, length: ctx.get('content-length') || undefined });
      } catch (error) {
        const status = (error as { status?: number }).status ?? 400;
        options.log.warn({ status, channel: ctx.params.account }, 'webhook body refused');
        ctx.status = status;
        ctx.body = { error: { code: status === 413 ? 'payload_too_large' : 'bad_body', message: (error as Error).message } };
        return;
      }
    }
    const request: WebhookRequest = {
      method: ctx.method,
      query: Object.fromEntries(Object.entries(ctx.query).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? '') : (v ?? '')])),
      headers: ctx.headers as Record<string, string | undefined>,
      rawBody,
    };
    // The platform may give up on this try (WeChat closes it after 5 s and retries).
    const closed = new AbortController();
    const socket = ctx.req.socket;
    const onClose = () => {
      if (!ctx.res.writableFinished) closed.abort();
    };
    // A client that gave up may show it first as the end of its side of the connection (FIN),
    // before the socket is destroyed: a reply written then would count as sent yet be lost.
    const gone = () => socket.destroyed || socket.readableEnded;
    if (gone()) closed.abort();
    ctx.res.once('close', onClose);
    socket.once('close', onClose);
    socket.once('end', onClose);
    const response = await handleWebhookCall(options.ingress, type as ChannelType, ctx.params.account!, request, { closed: closed.signal });
    if (response.undelivered) {
      const { undelivered, delivered } = response;
      ctx.res.off('close', onClose);
      socket.off('close', onClose);
      socket.off('end', onClose);
      if (closed.signal.aborted || gone()) {
        // Gone while we claimed the reply: it must go through the API.
        await undelivered();
        return;
      }
      ctx.res.once('finish', () => delivered?.());
      ctx.res.once('close', () => {
        if (!ctx.res.writableFinished) {
          undelivered().catch((error: unknown) => options.log.error({ err: error }, 'could not hand an unwritten passive reply to the API'));
        }
      });
    } else {
      ctx.res.off('close', onClose);
      socket.off('close', onClose);
      socket.off('end', onClose);
    }
    ctx.status = response.status;
    ctx.type = response.contentType ?? 'text/plain';
    ctx.body = response.body;
  };
  router.get('/webhooks/:type/:account', webhook);
  router.post('/webhooks/:type/:account', webhook);

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const checks: Record<string, string> = {};
    let ready = true;
    for (const [name, check] of Object.entries(options.readiness)) {
      try {
        await check();
        checks[name] = 'ok';
      } catch (error) {
        ready = false;
        checks[name] = (error as Error).message;
      }
    }
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = 'text/plain; version=0.0.4';
    ctx.body = await options.metricsText();
  });
  router.get('/', async (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = await readFile(chatPage, 'utf8');
  });

  for (const middleware of options.middleware ?? []) app.use(middleware);
  app.use(router.routes()).use(router.allowedMethods());
  for (const extra of options.routers ?? []) app.use(extra.routes()).use(extra.allowedMethods());
  return app;
}
