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
import { createInboundIntake, type InboundIntake } from './inbound-intake.ts';
import { MalformedRequestError, PayloadTooLargeError, SignatureError } from './errors.ts';
import type { Metrics } from './metrics.ts';
import type { ChannelType } from './model.ts';
import type { Queue } from './ports/queue.ts';
import type { ReplySignal, ReplyWatch } from './reply-signal.ts';
import { deliverJobName } from './reply-dispatch.ts';
import type { Database } from './storage/database.ts';
import { claimPassiveReply, inboundStatus, passiveReplyOf, releasePassiveClaim } from './storage/outbox-repository.ts';

export interface IngressDependencies {
  db: Database;
  channels: ChannelRegistry;
  processQueue: Queue;
  /** Where a passive reply goes when its connection closed before it was written. */
  outboxQueue: Queue;
  replySignal: ReplySignal;
  metrics: Metrics;
  log: Logger;
  /**
   * How often a waiting webhook re-checks the database for its answer (ms). The in-process reply
   * signal wakes it at once when the worker runs in the same process; polling is the fallback for
   * separate worker processes. Default 1000.
   */
  passivePollMs?: number;
  /**
   * Stores messages and queues their processing, grouping concurrent webhooks (group commit);
   * default: one created from `db` and `processQueue` with default batch settings.
   */
  intake?: InboundIntake;
}

export { processJobId, processJobName } from './inbound-intake.ts';

// Dependencies without an intake (tests, adapter contract) get one per dependencies object.
const defaultIntakes = new WeakMap<IngressDependencies, InboundIntake>();
function intakeOf(deps: IngressDependencies): InboundIntake {
  if (deps.intake) return deps.intake;
  let intake = defaultIntakes.get(deps);
  if (!intake) {
    intake = createInboundIntake({ db: deps.db, processQueue: deps.processQueue });
    defaultIntakes.set(deps, intake);
  }
  return intake;
}

const json = (status: number, code: string, message: string): WebhookResponse => ({
  status,
  body: JSON.stringify({ error: { code, message } }),
  contentType: 'application/json',
});

/** The answer to a webhook call, and what to do if it could not be written. */
export interface WebhookCallResult extends WebhookResponse {
  /**
   * Set when the response carries a passive reply: call it when the connection closed before the
   * response was fully written, so the reply goes through the platform API instead of being lost.
   */
  undelivered?: () => Promise<void>;
  /** Set with `undelivered`: call it once the response was fully written. */
  delivered?: () => void;
}

export interface WebhookCallOptions {
  /** Aborted when the platform closed the connection (it gave up on this try). */
  closed?: AbortSignal;
}

/** Handle one webhook call; never throws. */
export async function handleWebhookCall(
  deps: IngressDependencies,
  channelType: ChannelType,
  accountId: string,
  request: WebhookRequest,
  options: WebhookCallOptions = {},
): Promise<WebhookCallResult> {
  const started = performance.now();
  const arrivedAt = Date.now();
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
    // Stored and queued (duplicates queued again: the job id is idempotent, and it repairs a lost
    // enqueue) before anything is acknowledged; submitted together, kept in order by the intake.
    const intake = intakeOf(deps);
    const stored = await Promise.all(
      result.messages.map((message) => intake.store({ workspaceId: entry.workspaceId, channelAccountId: accountId, message, traceId })),
    );
    for (const persisted of stored) log.info({ messageId: persisted.messageId, duplicate: persisted.duplicate }, 'message received');
    outcome(stored.some((s) => !s.duplicate) ? 'stored' : 'duplicate');

    let response: WebhookCallResult = entry.adapter.acknowledge(result.replyContext);
    let replied = 'ack';
    const only = stored.length === 1 ? stored[0] : undefined;
    if (only && entry.adapter.passiveReply && entry.passiveReplyBudgetMs > 0) {
      const passive = await awaitPassiveReply(deps, only.messageId, arrivedAt + entry.passiveReplyBudgetMs, options.closed);
      if (passive) {
        const inboundId = only.messageId;
        response = {
          ...entry.adapter.passiveReply(result.replyContext, {
            parts: passive.parts,
            citations: passive.citations ?? undefined,
            mentions: passive.mentions,
          }),
          delivered: () => {
            deps.replySignal.markDelivered(inboundId);
            deps.metrics.deliveries.inc({ via: 'passive', outcome: 'sent' });
          },
          undelivered: async () => {
            // Another try of the same message may have carried the reply already.
            if (deps.replySignal.wasDelivered(inboundId)) return;
            await releasePassiveClaim(deps.db, passive.id);
            await deps.outboxQueue.add(deliverJobName, { conversationId: passive.conversationId }, { jobId: `undelivered-${passive.id}` });
            log.warn({ messageId: passive.id }, 'passive reply not written (connection closed); sending through the API');
          },
        };
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
 * Wait until `deadline` (the request's arrival plus the channel's budget, so a slow store cannot
 * push the answer past the platform's deadline) for the pipeline's first reply to `inboundId` and claim it for the HTTP
 * response. Concurrent tries of the same message (WeChat retries while the first still waits) all
 * carry the one claimed reply: the platform uses whichever answer reaches it first and shows it
 * once. Returns undefined when the budget ran out, the connection closed, or there is no reply.
 */
async function awaitPassiveReply(deps: IngressDependencies, inboundId: string, deadline: number, closed?: AbortSignal) {
  const pollMs = deps.passivePollMs ?? 1000;
  // Listen before the first read, so a hint that lands between a read and the wait is kept.
  const watch = deps.replySignal.watch(inboundId);
  try {
    return await pollPassiveReply(deps, inboundId, deadline, pollMs, watch, closed);
  } finally {
    watch.close();
  }
}

async function pollPassiveReply(deps: IngressDependencies, inboundId: string, deadline: number, pollMs: number, watch: ReplyWatch, closed?: AbortSignal) {
  // Let the event loop take in socket events that already arrived (a client that hung up while
  // we waited or read) before claiming: a reply claimed for a gone client is written into a dead
  // connection and lost to the API sender. Costs one turn of the loop.
  const claimUnlessClosed = async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return closed?.aborted ? undefined : claimPassiveReply(deps.db, inboundId);
  };
  for (;;) {
    if (closed?.aborted) return undefined;
    // The claim first: woken by the processor's hint, it is the only statement.
    const claimed = await claimUnlessClosed();
    if (claimed || closed?.aborted) return claimed;
    const status = await inboundStatus(deps.db, inboundId);
    if (status !== 'received') {
      // Processed, perhaps just after the claim looked: replies are committed with the status
      // change, so a second claim sees them. Nothing to claim: a concurrent try carries the reply
      // (carry the same one), or there is none, or it went through the API.
      return (await claimUnlessClosed()) ?? (closed?.aborted ? undefined : await passiveReplyOf(deps.db, inboundId));
    }
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await watch.next(Math.min(left, pollMs), closed);
  }
}
