/**
 * Crash recovery: re-enqueue work whose job was lost between a database commit and the queue
 * (a process killed at the wrong moment, or Redis flushed) — messages to process, replies to
 * deliver, handoff notices to give. Job ids are idempotent, so a sweep
 * that overlaps normal traffic enqueues nothing twice; a re-run job finds nothing pending.
 */
import type { Logger } from 'pino';
import { queueHandoffNotice } from './handoff-notifications.ts';
import { processJobId, processJobName } from './ingress.ts';
import type { Queue } from './ports/queue.ts';
import { deliverJobName } from './reply-dispatch.ts';
import type { Database } from './storage/database.ts';
import { handoffNoticesAwaited } from './storage/handoff-notice-repository.ts';
import { conversationsWithPendingInbound } from './storage/inbound-repository.ts';
import { conversationsWithUndelivered } from './storage/outbox-repository.ts';

export interface RecoveryDependencies {
  db: Database;
  processQueue: Queue;
  outboxQueue: Queue;
  /** Where handoff notices go; absent when none are configured. */
  notifyQueue?: Queue;
  log: Logger;
}

/** Handoff notices older than this are not recovered: staff told now of a customer who asked a day ago would be misled. */
const handoffNoticeRecoveryMs = 24 * 60 * 60_000;

/** Re-enqueue work older than `graceMs` (0 at start-up: everything pending is stale). */
export async function recoverPendingWork(
  deps: RecoveryDependencies,
  graceMs = 0,
): Promise<{ conversations: number; deliveries: number; handoffNotices: number }> {
  const before = new Date(Date.now() - graceMs);
  const pending = await conversationsWithPendingInbound(deps.db, before);
  for (const { conversationId, messageId } of pending) {
    await deps.processQueue.add(processJobName, { conversationId, inboundMessageId: messageId }, { jobId: processJobId(messageId) });
  }
  const undelivered = await conversationsWithUndelivered(deps.db, before);
  for (const conversationId of undelivered) {
    await deps.outboxQueue.add(deliverJobName, { conversationId }, { jobId: `recover-${conversationId}` });
  }
  const notices = deps.notifyQueue ? await handoffNoticesAwaited(deps.db, { since: new Date(Date.now() - handoffNoticeRecoveryMs), before }) : [];
  for (const notice of notices) await queueHandoffNotice(deps.notifyQueue!, notice);
  if (pending.length || undelivered.length || notices.length) {
    deps.log.info({ conversations: pending.length, deliveries: undelivered.length, handoffNotices: notices.length }, 'recovered pending work');
  }
  return { conversations: pending.length, deliveries: undelivered.length, handoffNotices: notices.length };
}

/**
 * Sweep every `intervalMs` for work older than `graceMs` — the safety net in production, where a
 * commit and its enqueue go to two systems. Returns a stop function.
 */
export function scheduleRecovery(deps: RecoveryDependencies, options: { intervalMs?: number; graceMs?: number } = {}): () => void {
  const timer = setInterval(() => {
    recoverPendingWork(deps, options.graceMs ?? 60_000).catch((error: unknown) => deps.log.error({ err: error }, 'recovery sweep failed'));
  }, options.intervalMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
