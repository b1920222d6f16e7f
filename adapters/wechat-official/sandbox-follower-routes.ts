/**
 * HTTP routes that let a person play a WeChat follower of a sandbox account — used by the demo
 * chat page at `/` and by `kefu chat`. Each call goes the whole real way: the sandbox signs and
 * encrypts a callback to Kefu's webhook exactly as WeChat would, then reports every reply the
 * follower received (passive or through the customer-service API).
 *
 *   POST {prefix}/:account/followers/:openId/messages  { text } | { event, key? }
 *        → { outcome, replies: [{ sequence, text, via, at }] }  (waits for the first reply)
 *   GET  {prefix}/:account/followers/:openId/inbox?after=N  → { replies }
 */
import Router from '@koa/router';
import getRawBody from 'raw-body';
import { z } from 'zod';
import type { SandboxReply, WechatOfficialSandbox } from './sandbox.ts';

const bodySchema = z.union([
  z.strictObject({ text: z.string().trim().min(1).max(2000) }),
  z.strictObject({ event: z.enum(['subscribe', 'unsubscribe', 'CLICK', 'SCAN']), key: z.string().max(128).optional() }),
]);
const openIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

const view = (reply: SandboxReply) => ({
  sequence: reply.sequence,
  text: reply.content ?? `[${reply.msgType}]`,
  via: reply.via,
  at: new Date(reply.receivedAt).toISOString(),
});

/** Routes under `prefix` (e.g. `/sandbox/wechat-official`) for the given sandboxes by account id. */
export function createSandboxFollowerRoutes(
  prefix: string,
  sandboxes: ReadonlyMap<string, WechatOfficialSandbox>,
  options: { replyWaitMs?: number } = {},
): Router {
  const router = new Router({ prefix });
  const replyWaitMs = options.replyWaitMs ?? 8000;

  router.use('/:account/followers/:openId', async (ctx, next) => {
    if (!sandboxes.has(ctx.params.account!) || !openIdPattern.test(ctx.params.openId!)) {
      ctx.status = 404;
      ctx.body = { error: { code: 'not_found', message: 'no such sandbox account or follower' } };
      return;
    }
    await next();
  });

  router.post('/:account/followers/:openId/messages', async (ctx) => {
    const sandbox = sandboxes.get(ctx.params.account!)!;
    const openId = ctx.params.openId!;
    let body: z.infer<typeof bodySchema>;
    try {
      body = bodySchema.parse(JSON.parse((await getRawBody(ctx.req, { limit: '16kb', encoding: 'utf8' })) || '{}'));
    } catch (error) {
      ctx.status = 400;
      ctx.body = { error: { code: 'bad_request', message: error instanceof z.ZodError ? z.prettifyError(error) : 'body must be JSON { text } or { event }' } };
      return;
    }
    const before = sandbox.lastSequence(openId);
    const delivery = 'text' in body ? await sandbox.sendText(openId, body.text) : await sandbox.sendEvent(openId, body.event, body.key);
    if (delivery.outcome !== 'replied' && delivery.outcome !== 'acknowledged') {
      ctx.status = 502;
      ctx.body = { error: { code: delivery.outcome, message: delivery.detail ?? `webhook ${delivery.outcome}` } };
      return;
    }
    // An answer sent through the API arrives after the acknowledgement: wait a little for it.
    if (sandbox.lastSequence(openId) === before && !(body as { event?: string }).event?.startsWith('unsubscribe')) {
      await sandbox.waitForReplies(openId, { afterSequence: before, timeoutMs: replyWaitMs }).catch(() => []);
    }
    ctx.body = { outcome: delivery.outcome, replies: sandbox.inbox(openId, before).map(view) };
  });

  router.get('/:account/followers/:openId/inbox', (ctx) => {
    const sandbox = sandboxes.get(ctx.params.account!)!;
    const after = Number.parseInt(String(ctx.query.after ?? '0'), 10) || 0;
    ctx.body = { replies: sandbox.inbox(ctx.params.openId!, after).map(view) };
  });
  return router;
}
