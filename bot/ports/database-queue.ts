/**
 * The embedded queue: jobs are rows of the `jobs` table, run by workers in this process, so a
 * restart — even a SIGKILL mid-job — loses none (see `database-job-store.ts` for the SQL).
 *
 * - A claimed job is leased for `leaseMs`, renewed every third of it while the handler runs; a
 *   job whose lease expired (its process died) is claimed again, counting as an attempt. A job
 *   whose lease expired on its last attempt fails with `StalledJobError`.
 * - Completed jobs are deleted at once; failed ones stay (`status = 'failed'`, `last_error`).
 * - Workers are woken at once by `add` in this process and when an in-process delay or retry
 *   back-off comes due; a worker whose last claim found a job claims again as soon as it has a
 *   free slot. Otherwise it polls every `pollIntervalMs` (other processes' jobs, expired leases,
 *   delays that outlived a restart): an empty claim is a statement, ~1 ms of CPU on PGlite.
 * Delivery is at-least-once: a handler whose lease was lost may run twice.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { KefuError } from '../errors.ts';
import type { Database } from '../storage/database.ts';
import { createJobStore, type NewJob } from './database-job-store.ts';
import { startWorker, type DatabaseWorker } from './database-queue-worker.ts';
import type { BulkJob, Job, JobFailedListener, Queue, QueueFactory } from './queue.ts';
import { consoleQueueLogger, type QueueLogger } from './queue-logger.ts';

/** Options of `createDatabaseQueueFactory`. */
export interface DatabaseQueueFactoryOptions {
  db: Database;
  /**
   * How often an idle worker looks for jobs it was not woken for (added by another process,
   * leases that expired, delays that outlived a restart); default 1000 ms. Jobs added in this
   * process wake the workers at once whatever this is.
   */
  pollIntervalMs?: number;
  /** How long a claimed job stays reserved without a renewal; default 30 s. */
  leaseMs?: number;
  logger?: QueueLogger;
}

const defaultAttempts = 5;
const defaultBackoffMs = 1_000;
const defaultConcurrency = 4;

// One wake-up channel per database object, so every factory of this process on the same database
// hears about new jobs (event name = queue name).
const wakeChannels = new WeakMap<Database, EventEmitter>();
function wakeChannel(db: Database): EventEmitter {
  let channel = wakeChannels.get(db);
  if (!channel) {
    channel = new EventEmitter().setMaxListeners(0);
    wakeChannels.set(db, channel);
  }
  return channel;
}

const newJob = (queue: string, job: BulkJob): NewJob => ({
  queue,
  name: job.name,
  jobKey: job.options?.jobId ?? randomUUID(),
  data: job.data,
  maxAttempts: job.options?.attempts ?? defaultAttempts,
  backoffMs: job.options?.backoffMs ?? defaultBackoffMs,
  delayMs: job.options?.delayMs ?? 0,
});

/** The queues of embedded mode, stored in `db`. The factory does not close `db`. */
export function createDatabaseQueueFactory(options: DatabaseQueueFactoryOptions): QueueFactory {
  const queues = new Set<Queue>();
  return {
    create(name) {
      const queue = createDatabaseQueue(name, options);
      queues.add(queue);
      return queue;
    },
    async close() {
      await Promise.all([...queues].map((queue) => queue.close()));
      queues.clear();
    },
  };
}

function createDatabaseQueue(name: string, options: DatabaseQueueFactoryOptions): Queue {
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 30_000;
  const logger = options.logger ?? consoleQueueLogger;
  const store = createJobStore(options.db, name);
  const channel = wakeChannel(options.db);
  const listeners: JobFailedListener[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let worker: DatabaseWorker | undefined;

  /**
   * Wake this process's workers of this queue once `delayMs` has passed, or — for a job due now —
   * in the next turn of the event loop: the caller's own continuation runs first. A webhook that
   * queued a job thus writes its acknowledgement before the worker's claim takes the (single,
   * synchronous) PGlite connection; waking at once cost every acknowledgement one statement.
   */
  const wakeWorkers = (delayMs = 0) => {
    if (delayMs <= 0) return void setImmediate(() => channel.emit(name));
    const timer = setTimeout(() => {
      timers.delete(timer);
      channel.emit(name);
    }, delayMs);
    timer.unref();
    timers.add(timer);
  };

  const notifyFailed = (job: Job, error: unknown) => {
    for (const listener of listeners) {
      try {
        listener(job, error);
      } catch (listenerError) {
        logger.error({ queue: name, jobId: job.id, err: listenerError }, 'queue failed-listener threw');
      }
    }
  };

  return {
    name,
    async add(jobName, data, jobOptions = {}) {
      await store.insert([newJob(name, { name: jobName, data, options: jobOptions })]);
      wakeWorkers(jobOptions.delayMs ?? 0);
    },
    async addBulk(bulk) {
      if (bulk.length === 0) return;
      await store.insert(bulk.map((job) => newJob(name, job)));
      for (const delayMs of new Set(bulk.map((job) => job.options?.delayMs ?? 0))) wakeWorkers(delayMs);
    },
    async process(handler, workerOptions = {}) {
      if (worker) throw new KefuError('queue_already_processing', `queue ${name} is already processing`);
      const context = { name, store, leaseMs, pollIntervalMs, logger, handler, notifyFailed, wakeWorkers };
      worker = startWorker(context, workerOptions.concurrency ?? defaultConcurrency, channel);
    },
    onFailed(listener) {
      listeners.push(listener);
    },
    count() {
      return store.countLive();
    },
    async close() {
      await worker?.stop();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

export { StalledJobError } from './database-queue-worker.ts';
