/**
 * Crash recovery: re-enqueue work whose job was lost between a database commit and the queue
 * (a process killed at the wrong moment, or Redis flushed). Job ids are idempotent, so a sweep
 * that overlaps normal traffic enqueues nothing twice; a re-run job finds nothing pending.
 */
import type { Logger } from 'pino';
import { processJobId, processJobName } from './ingress.ts';
import type { Queue } from './ports/queue.ts';
import { deliverJobName } from './processor.ts';
import type { Database } from './storage/database.ts';
import { conversationsWithPendingInbound } from './storage/inbound-repository.ts';
import { conversationsWithUndelivered } from './storage/outbox-repository.ts';

export async function recoverPendingWork(deps: {
  db: Database;
  processQueue: Queue;
  outboxQueue: Queue;
  log: Logger;
}): Promise<{ conversations: number; deliveries: number }> {
  const pending = await conversationsWithPendingInbound(deps.db);
  for (const { conversationId, messageId } of pending) {
    await deps.processQueue.add(processJobName, { conversationId, inboundMessageId: messageId }, { jobId: processJobId(messageId) });
  }
  const undelivered = await conversationsWithUndelivered(deps.db);
  for (const conversationId of undelivered) {
    await deps.outboxQueue.add(deliverJobName, { conversationId }, { jobId: `recover-${conversationId}` });
  }
  if (pending.length || undelivered.length) {
    deps.log.info({ conversations: pending.length, deliveries: undelivered.length }, 'recovered pending work');
  }
  return { conversations: pending.length, deliveries: undelivered.length };
}
