/**
 * The durable intake behind webhook acknowledgements: concurrent webhooks' messages are grouped
 * (`storage/inbound-batcher.ts`), stored with one multi-row statement per step
 * (`storage/inbound-batch-store.ts`) and their processing jobs added with one `addBulk`; each
 * webhook is answered only once its own message's row is committed and its job queued.
 * Conversations are spread over lanes, each writing one batch at a time, so batches overlap while
 * a conversation's messages keep their order.
 *
 * Duplicates — a platform retry, or the same message twice in one batch — are stored once and
 * their job is added again (idempotent job id), which also repairs an enqueue lost to a crash.
 */
import { InboundStoreError } from './errors.ts';
import type { Queue } from './ports/queue.ts';
import { createBatcher } from './storage/inbound-batcher.ts';
import { storeInboundBatch } from './storage/inbound-batch-store.ts';
import type { PersistedInbound, PersistInboundInput } from './storage/inbound-repository.ts';
import type { Database } from './storage/database.ts';
import { sqlRunnerOf, type SqlRunner } from './storage/sql-runner.ts';

/** The processing job's name. */
export const processJobName = 'process-conversation';
/** The processing job's id: one job per inbound message, so adding it again is a no-op. */
export const processJobId = (inboundMessageId: string) => `inbound-${inboundMessageId}`;

/** Options of `createInboundIntake`. */
export interface InboundIntakeOptions {
  db: Database;
  processQueue: Queue;
  /** Largest batch; default 64. */
  maxBatch?: number;
  /** Longest wait of a batch's first message before it is written (ms); default 0: the end of the event-loop turn it arrived in. */
  maxWaitMs?: number;
  /**
   * Batches written at the same time, each lane for its own share of the conversations (by
   * channel account and platform thread), so a conversation's messages stay in one lane and in
   * order, and copies of one message meet in one lane; default 4.
   */
  lanes?: number;
  /** The raw SQL runner; default the one of `db` (tests inject a failing one). */
  runner?: SqlRunner;
}

/** Stores inbound messages durably and queues their processing. */
export interface InboundIntake {
  /**
   * Resolves once the message is committed and its job queued; rejects with `InboundStoreError`
   * when either failed (the caller must not acknowledge).
   */
  store(input: PersistInboundInput): Promise<PersistedInbound>;
  /** Wait for the batches in flight. */
  drain(): Promise<void>;
}

/** Create the intake of one process. */
export function createInboundIntake(options: InboundIntakeOptions): InboundIntake {
  const runner = options.runner ?? sqlRunnerOf(options.db);
  const lanes = Array.from({ length: Math.max(1, options.lanes ?? 4) }, () => createLane(runner, options));
  const laneOf = (input: PersistInboundInput) => lanes[threadHash(input.channelAccountId, input.message.platformThreadId) % lanes.length]!;
  return {
    store: (input) => laneOf(input).submit(input),
    drain: async () => void (await Promise.all(lanes.map((lane) => lane.drain()))),
  };
}

/** FNV-1a over the conversation's key: stable, cheap, evenly spread. */
function threadHash(channelAccountId: string, platformThreadId: string): number {
  let hash = 0x811c9dc5;
  const text = `${channelAccountId}\u0000${platformThreadId}`;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function createLane(runner: SqlRunner, options: InboundIntakeOptions) {
  return createBatcher<PersistInboundInput, PersistedInbound>({
    maxItems: options.maxBatch,
    maxWaitMs: options.maxWaitMs,
    async run(inputs) {
      let stored: PersistedInbound[];
      try {
        stored = await storeInboundBatch(runner, inputs);
      } catch (error) {
        throw error instanceof InboundStoreError ? error : new InboundStoreError(`storing ${inputs.length} inbound messages failed`, { cause: error });
      }
      const queued = new Set<string>();
      const jobs = [];
      for (const message of stored) {
        if (queued.has(message.messageId)) continue;
        queued.add(message.messageId);
        jobs.push({
          name: processJobName,
          data: { conversationId: message.conversationId, inboundMessageId: message.messageId },
          options: { jobId: processJobId(message.messageId) },
        });
      }
      try {
        await options.processQueue.addBulk(jobs);
      } catch (error) {
        // Stored but not queued: the platform's retry finds the row and queues it again.
        throw new InboundStoreError(`queueing ${jobs.length} processing jobs failed`, { cause: error });
      }
      return stored;
    },
  });
}
