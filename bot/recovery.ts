/**
 * Crash recovery: re-enqueue work whose job was lost between a database commit and the queue
 * (a process killed at the wrong moment, or Redis flushed). Job ids are idempotent, so a sweep
 * that overlaps normal traffic enqueues nothing twice; a re-run job finds nothing pending.
 */
import type { Logger } from 'pino';
import { processJobId, processJobName } from './ingress.ts';
import type { Queue } from './ports/queue.ts';
import { deliverJobName } from './reply-dispatch.ts';
import type { Database } from './storage/database.ts';
import { conversationsWithPendingInbound } from './storage/inbound-repository.ts';
import { conversationsWithUndelivered } from './storage/outbox-repository.ts';

export interface RecoveryDependencies {
  db: Database;
  processQueue: Queue;
  outboxQueue: Queue;
  log: Logger;
}

/** Re-enqueue work older than `graceMs` (0 at start-up: everything pending is stale). */
export async function recoverPendingWork(deps: RecoveryDependencies, graceMs = 0): Promise<{ conversations: number; deliveries: number }> {
  const before = new Date(Date.now() - graceMs);
  const pending = await conversationsWithPendingInbound(deps.db, before);
  for (const { conversationId, messageId } of pending) {
    await deps.processQueue.add(processJobName, { conversationId, inboundMessageId: messageId }, { jobId: processJobId(messageId) });
  }
  const undelivered = await conversationsWithUndelivered(deps.db, before);
  for (const conversationId of undelivered) {
    await deps.outboxQueue.add(deliverJobName, { conversationId }, { jobId: `recover-${conversationId}` });
  }
  if (pending.length || undelivered.length) {
    deps.log.info({ conversations: pending.length, deliveries: undelivered.length }, 'recovered pending work');
  }
  return { conversations: pending.length, deliveries: undelivered.length };
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
