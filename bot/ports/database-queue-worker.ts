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
  // Whether a claim now may find a job: set by a wake-up (a job added or come due in this process)
  // and by a claim that filled every free slot (more may wait); cleared by a claim that found
  // fewer, unless a wake-up came in meanwhile. A finished job only frees a slot, so it does not
  // trigger a claim by itself: an empty claim costs a statement (~1 ms on PGlite), and before
  // this each job ended with one.
  let claimable = true;
  let wakes = 0;
  let nextPollAt = 0;
  let interruptSleep: (() => void) | undefined;
  const wake = () => {
    woken = true;
    claimable = true;
    wakes += 1;
    interruptSleep?.();
  };
  const slotFreed = () => {
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
      if (!claimable) {
        // Nothing known to be due: wait for a wake-up, or poll (jobs of other processes, expired
        // leases, delays that outlived a restart) once `pollIntervalMs` has passed since the last
        // claim — finished jobs interrupt the sleep but do not postpone the poll.
        const untilPoll = nextPollAt - performance.now();
        if (untilPoll > 0) await sleep(untilPoll);
        if (performance.now() >= nextPollAt) claimable = true;
        continue;
      }
      const wakesBefore = wakes;
      nextPollAt = performance.now() + context.pollIntervalMs;
      const free = concurrency - running.size;
      let rows: JobRow[];
      try {
        rows = await store.claim(context.leaseMs, free);
      } catch (error) {
        // The database is unreachable: log, and retry at most once a second rather than flood.
        logger.error({ queue: name, err: error }, 'queue poll failed');
        await sleep(Math.max(context.pollIntervalMs, 1_000));
        continue;
      }
      if (rows.length < free && wakes === wakesBefore) claimable = false;
      for (const row of rows) {
        const run = runJob(context, row).finally(() => {
          running.delete(run);
          slotFreed();
        });
        running.add(run);
      }
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
