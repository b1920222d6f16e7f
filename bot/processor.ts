/**
 * Processing: the worker side of ingress. Messages of one conversation run through the pipeline
 * in arrival order, one at a time (a lease on the conversation); different conversations run in
 * parallel. Each message's replies are committed together with its "processed" mark, so a job
 * retried after a crash can neither lose a reply nor send it twice.
 */
import type { Logger } from 'pino';
import type { ChannelRegistry } from './channel-registry.ts';
import type { HandoffNoticeJob } from './handoff-notifications.ts';
import { BotContext } from './context.ts';
import type { Metrics } from './metrics.ts';
import type { Lock } from './ports/lock.ts';
import { RetryLaterError, type JobHandler } from './ports/queue.ts';
import type { ReplyDispatch } from './reply-dispatch.ts';
import type { ReplySignal } from './reply-signal.ts';
import type { Database } from './storage/database.ts';
import { nextPendingInbound, type ConversationRow, type MessageRow } from './storage/inbound-repository.ts';
import { completeInbound } from './storage/outbox-repository.ts';

export interface ProcessorDependencies {
  db: Database;
  lock: Lock;
  channels: ChannelRegistry;
  pipeline: (ctx: BotContext) => Promise<void>;
  /** Sends a processed message's replies: inline, or as an outbox job (`reply-dispatch.ts`). */
  dispatchReplies: ReplyDispatch;
  replySignal: ReplySignal;
  metrics: Metrics;
  log: Logger;
  /** Lease on a conversation while its messages are processed (ms). */
  leaseMs?: number;
  /** Queue the staff notice of a handoff (`handoff-notifications.ts`); none configured: absent. */
  notifyHandoff?: (notice: HandoffNoticeJob) => Promise<void>;
}

/**
 * The job handler for `process-conversation` jobs (`{ conversationId, inboundMessageId? }`): the
 * conversation's pending messages, oldest first, up to and including `inboundMessageId` (all of
 * them when the job names none).
 */
export function createConversationProcessor(deps: ProcessorDependencies): JobHandler {
  const leaseMs = deps.leaseMs ?? 30_000;
  return async function processConversation(job) {
    const conversationId = String(job.data.conversationId);
    const ownMessageId = job.data.inboundMessageId === undefined ? undefined : String(job.data.inboundMessageId);
    const lockKey = `conversation:${conversationId}`;
    const token = await deps.lock.acquire(lockKey, leaseMs);
    // Another worker is on this conversation; it may already have taken our message, but try
    // again shortly in case it finished its batch just before our message was stored.
    if (!token) throw new RetryLaterError(100, `conversation ${conversationId} busy`);
    try {
      // The lease is renewed before a message once a third of it has passed (not before every
      // message: a one-message job would pay a round trip to renew a lease it has just taken).
      let renewedAt = Date.now();
      for (let next = await nextPendingInbound(deps.db, conversationId); next; next = await nextPendingInbound(deps.db, conversationId)) {
        if (Date.now() - renewedAt > leaseMs / 3) {
          if (!(await deps.lock.extend(lockKey, token, leaseMs))) {
            throw new RetryLaterError(100, `lost the lease on conversation ${conversationId}`);
          }
          renewedAt = Date.now();
        }
        await processOne(deps, next.message, next.conversation);
        // Done once the job's own message is: a later one has its own job, queued before its
        // webhook was acknowledged, so looking again would cost every message one more read to
        // save a later message's job a short wait for this lease.
        if (next.message.id === ownMessageId) break;
      }
    } finally {
      await deps.lock.release(lockKey, token);
    }
  };
}

async function processOne(deps: ProcessorDependencies, message: MessageRow, conversation: ConversationRow): Promise<void> {
  const started = performance.now();
  const entry = deps.channels.find(message.channelAccountId);
  if (!entry) {
    deps.log.warn({ messageId: message.id }, 'message of a channel no longer configured: ignored');
    await completeInbound(deps.db, { inbound: message, replies: [], outcome: 'ignored' });
    return;
  }
  const log = deps.log.child({ traceId: message.traceId, messageId: message.id, conversationId: conversation.id });
  const ctx = new BotContext({
    workspaceId: message.workspaceId,
    channel: { id: entry.adapter.accountId, type: entry.adapter.type },
    conversation: {
      id: conversation.id,
      kind: conversation.kind,
      status: conversation.status,
      statusChangedAt: conversation.statusChangedAt,
      platformThreadId: conversation.platformThreadId,
    },
    contact: { id: message.contactId ?? '' },
    message: {
      id: message.id,
      platformUserId: message.platformUserId ?? '',
      parts: message.parts,
      mentions: message.mentions,
      fromSelf: message.fromSelf,
      mentionsBot: message.mentionsBot,
    },
    log,
    traceId: message.traceId ?? '',
  });
  await deps.pipeline(ctx);
  const outcome = ctx.ignored && ctx.replies.length === 0 ? 'ignored' : 'processed';
  const statusChange =
    ctx.statusChange === undefined
      ? undefined
      : { from: conversation.status, to: ctx.statusChange, announceHandoff: ctx.statusChange === 'pending' && deps.notifyHandoff !== undefined };
  const completed = await completeInbound(deps.db, { inbound: message, replies: ctx.replies, outcome, statusChange });
  deps.metrics.messagesProcessed.inc({ outcome: completed ? outcome : 'already_done' });
  deps.metrics.processingLatency.observe((performance.now() - started) / 1000);
  // How much of the webhook's passive-reply budget is left: only a webhook still inside it may be
  // waiting for this hint (a second of slack for clocks of different processes).
  const heldFor = entry.passiveReplyBudgetMs - (Date.now() - message.createdAt.getTime());
  if (entry.passiveReplyBudgetMs > 0 && heldFor > -1_000) deps.replySignal.notify(message.id);
  if (completed && ctx.replies.length > 0) {
    // Give the webhook its passive-reply budget before the API sender may take the reply; once no
    // webhook can carry it (or the channel has no budget) it is sent at once.
    const delayMs = entry.passiveReplyBudgetMs > 0 ? Math.max(0, heldFor + 50) : 0;
    await deps.dispatchReplies({ conversation, messageId: message.id, delayMs });
  }
  if (completed && statusChange) {
    deps.metrics.statusChanges.inc({ to: statusChange.to });
    log.info({ from: statusChange.from, to: statusChange.to }, 'conversation status change requested');
    if (statusChange.announceHandoff && deps.notifyHandoff) {
      const notice = { workspaceId: message.workspaceId, conversationId: conversation.id, messageId: message.id };
      // The handoff and its awaited notice are committed: a notice that cannot be queued now is
      // queued by the recovery sweep, not a reason to run the message again.
      await deps.notifyHandoff(notice).catch((error: unknown) => log.warn({ err: error }, 'handoff notice not queued; the recovery sweep will'));
    }
  }
  log.info({ outcome, replies: ctx.replies.length, intent: ctx.replies[0]?.intent }, 'message processed');
}
