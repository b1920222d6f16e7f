/**
 * The worker loop of the embedded queue (`database-queue.ts`): claims due jobs up to its
 * concurrency, runs them, records outcomes, and sleeps between polls unless woken.
 */
import type { EventEmitter } from 'node:events';
import { KefuError } from '../errors.ts';
import type { JobRow, JobStore } from './database-job-store.ts';
import { RetryLaterError, UnrecoverableJobError, type Job, type JobHandler } from './queue.ts';
import type { QueueLogger } from './queue-logger.ts';

/** A job's lease expired on its last attempt: its worker kept dying (or hanging) while running it. */
export class StalledJobError extends KefuError {
  constructor(attempts: number) {
    super('job_stalled', `job lease expired; no attempts left after ${attempts}`);
  }
}

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const toJob = (row: JobRow): Job => ({ id: row.jobKey, name: row.name, data: row.data, attempt: row.attempt });

/** What a worker needs from its queue. */
export interface WorkerContext {
  name: string;
  store: JobStore;
  leaseMs: number;
  pollIntervalMs: number;
  logger: QueueLogger;
  handler: JobHandler;
  notifyFailed(job: Job, error: unknown): void;
  wakeWorkers(delayMs?: number): void;
}

/** A running worker loop. */
export interface DatabaseWorker {
  stop(): Promise<void>;
}

/** Start claiming jobs of `context.name`; `channel` emits the queue name to wake the loop. */
export function startWorker(
  context: WorkerContext,
  concurrency: number,
  channel: EventEmitter,
): DatabaseWorker {
  const { name, store, logger } = context;
  const running = new Set<Promise<void>>();
  let stopping = false;
  // A wake-up that arrives while the loop is busy is remembered, so none is lost.
  let woken = false;
  let interruptSleep: (() => void) | undefined;
  const wake = () => {
    woken = true;
    interruptSleep?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interruptSleep = undefined;
        resolve();
      }
      interruptSleep = done;
    });
  channel.on(name, wake);

  const loop = async () => {
    while (!stopping) {
      woken = false;
      if (running.size >= concurrency) {
        await sleep(context.pollIntervalMs);
        continue;
      }
      let row: JobRow | undefined;
      try {
        row = await store.claim(context.leaseMs);
      } catch (error) {
        // The database is unreachable: log, and retry at most once a second rather than flood.
        logger.error({ queue: name, err: error }, 'queue poll failed');
        await sleep(Math.max(context.pollIntervalMs, 1_000));
        continue;
      }
      if (!row) {
        await sleep(context.pollIntervalMs);
        continue;
      }
      const run = runJob(context, row).finally(() => {
        running.delete(run);
        wake();
      });
      running.add(run);
    }
  };
  const looping = loop();

  return {
    async stop() {
      stopping = true;
      wake();
      await looping;
      channel.off(name, wake);
      await Promise.all(running);
    },
  };
}

/** Run one claimed job and record its outcome. Never throws: errors of the store are logged. */
async function runJob(context: WorkerContext, row: JobRow): Promise<void> {
  const { name, store, logger, leaseMs } = context;
  const job = toJob(row);
  try {
    if (row.attempt > row.maxAttempts) {
      const error = new StalledJobError(row.maxAttempts);
      if (await store.fail(row, describeError(error))) context.notifyFailed(job, error);
      return;
    }
    const heartbeat = setInterval(() => {
      store.extendLease(row, leaseMs).then(
        (held) => {
          if (held) return;
          clearInterval(heartbeat);
          logger.warn({ queue: name, jobId: job.id }, 'job lease lost; another worker may run it too');
        },
        (error: unknown) => logger.error({ queue: name, jobId: job.id, err: error }, 'job lease renewal failed'),
      );
    }, leaseMs / 3);
    let outcome: { ok: true } | { ok: false; error: unknown };
    try {
      await context.handler(job);
      outcome = { ok: true };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      clearInterval(heartbeat);
    }
    if (outcome.ok) await store.complete(row);
    else await settleFailure(context, row, job, outcome.error);
  } catch (error) {
    // The row stays active; once its lease expires another claim runs the job again.
    logger.error({ queue: name, jobId: job.id, err: error }, 'could not record job outcome');
  }
}

async function settleFailure(context: WorkerContext, row: JobRow, job: Job, error: unknown): Promise<void> {
  const { store } = context;
  if (error instanceof RetryLaterError) {
    await store.reschedule(row, error.delayMs, { countAttempt: false });
    context.wakeWorkers(error.delayMs);
    return;
  }
  if (error instanceof UnrecoverableJobError || row.attempt >= row.maxAttempts) {
    if (await store.fail(row, describeError(error))) context.notifyFailed(job, error);
    return;
  }
  const delayMs = row.backoffMs * 2 ** (row.attempt - 1);
  await store.reschedule(row, delayMs, { countAttempt: true, error: describeError(error) });
  context.wakeWorkers(delayMs);
}
