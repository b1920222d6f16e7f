/**
 * Ingress for webhook channels: verify → decrypt → parse (the adapter) → dedupe → persist →
 * enqueue → acknowledge. Nothing is acknowledged before it is durably stored, and a platform retry
 * of a stored message is acknowledged without storing or processing it again.
 *
 * When the adapter can reply passively, the webhook waits up to the channel's budget for the
 * answer and carries it in the HTTP response; otherwise (or when the answer is late) it
 * acknowledges and the outbox sends through the platform API.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebhookRequest, WebhookResponse } from '../adapters/types.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import { MalformedRequestError, PayloadTooLargeError, SignatureError } from './errors.ts';
import type { Metrics } from './metrics.ts';
import type { ChannelType } from './model.ts';
import type { Queue } from './ports/queue.ts';
import type { ReplySignal } from './reply-signal.ts';
import type { Database } from './storage/database.ts';
import { persistInbound } from './storage/inbound-repository.ts';
import { claimPassiveReply, inboundStatus } from './storage/outbox-repository.ts';

export interface IngressDependencies {
  db: Database;
  channels: ChannelRegistry;
  processQueue: Queue;
  replySignal: ReplySignal;
  metrics: Metrics;
  log: Logger;
  /**
   * How often a waiting webhook re-checks the database for its answer (ms). The in-process reply
   * signal wakes it at once when the worker runs in the same process; polling is the fallback for
   * separate worker processes. Default 1000.
   */
  passivePollMs?: number;
}

/** The processing job's name and payload. */
export const processJobName = 'process-conversation';
export const processJobId = (inboundMessageId: string) => `inbound-${inboundMessageId}`;

const json = (status: number, code: string, message: string): WebhookResponse => ({
  status,
  body: JSON.stringify({ error: { code, message } }),
  contentType: 'application/json',
});

/** Handle one webhook call; never throws. */
export async function handleWebhookCall(
  deps: IngressDependencies,
  channelType: ChannelType,
  accountId: string,
  request: WebhookRequest,
): Promise<WebhookResponse> {
  const started = performance.now();
  const entry = deps.channels.find(accountId, channelType);
  const outcome = (name: string) => deps.metrics.webhookRequests.inc({ channel_type: channelType, outcome: name });
  if (!entry) {
    outcome('unknown_channel');
    return json(404, 'unknown_channel', `no ${channelType} channel "${accountId}"`);
  }
  const traceId = randomUUID();
  const log = deps.log.child({ traceId, channel: accountId });
  try {
    const result = await entry.adapter.handleWebhook(request);
    if (result.kind === 'response') {
      outcome('answered');
      return result.response;
    }
    const stored = [];
    for (const message of result.messages) {
      const persisted = await persistInbound(deps.db, {
        workspaceId: entry.workspaceId,
        channelAccountId: accountId,
        message,
        traceId,
      });
      // Enqueue duplicates too: the job id is idempotent, and it repairs a lost enqueue.
      await deps.processQueue.add(
        processJobName,
        { conversationId: persisted.conversationId, inboundMessageId: persisted.messageId },
        { jobId: processJobId(persisted.messageId) },
      );
      stored.push(persisted);
      log.info({ messageId: persisted.messageId, duplicate: persisted.duplicate }, 'message received');
    }
    outcome(stored.some((s) => !s.duplicate) ? 'stored' : 'duplicate');

    let response = entry.adapter.acknowledge(result.replyContext);
    let replied = 'ack';
    const only = stored.length === 1 ? stored[0] : undefined;
    if (only && entry.adapter.passiveReply && entry.passiveReplyBudgetMs > 0) {
      const passive = await awaitPassiveReply(deps, only.messageId, entry.passiveReplyBudgetMs);
      if (passive) {
        response = entry.adapter.passiveReply(result.replyContext, {
          parts: passive.parts,
          citations: passive.citations ?? undefined,
          mentions: passive.mentions,
        });
        deps.metrics.deliveries.inc({ via: 'passive', outcome: 'sent' });
        replied = 'passive';
      }
    }
    deps.metrics.webhookLatency.observe({ channel_type: channelType, reply: replied }, (performance.now() - started) / 1000);
    return response;
  } catch (error) {
    if (error instanceof SignatureError) {
      outcome('bad_signature');
      log.warn({ reason: error.message }, 'webhook rejected: bad signature');
      return json(401, error.code, 'signature verification failed');
    }
    if (error instanceof MalformedRequestError) {
      outcome('malformed');
      log.warn({ reason: error.message }, 'webhook rejected: malformed body');
      return json(400, error.code, error.message);
    }
    if (error instanceof PayloadTooLargeError) {
      outcome('too_large');
      log.warn({ reason: error.message }, 'webhook rejected: body too large');
      return json(413, error.code, error.message);
    }
    // Storage or queue failure: answer 5xx so the platform retries; nothing was acknowledged.
    outcome('error');
    log.error({ err: error }, 'webhook failed');
    return json(503, 'unavailable', 'temporarily unavailable, please retry');
  }
}

/**
 * Wait up to `budgetMs` for the pipeline's first reply to `inboundId` and claim it for the HTTP
 * response. Returns undefined when the budget ran out or the message needs no reply.
 */
async function awaitPassiveReply(deps: IngressDependencies, inboundId: string, budgetMs: number) {
  const deadline = Date.now() + budgetMs;
  const pollMs = deps.passivePollMs ?? 1000;
  for (;;) {
    // Status first: replies are committed with the status change, so a processed status seen
    // here guarantees the claim below sees the replies.
    const status = await inboundStatus(deps.db, inboundId);
    const claimed = await claimPassiveReply(deps.db, inboundId);
    if (claimed) return claimed;
    // Processed with nothing left to claim: no reply, or another delivery (a retry) took it.
    if (status !== 'received') return undefined;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await deps.replySignal.wait(inboundId, Math.min(left, pollMs));
  }
}
