/**
 * The production queue: BullMQ on Redis, any number of worker processes. Port semantics map onto
 * BullMQ's own: attempts + exponential back-off, `RetryLaterError` → `job.moveToDelayed` +
 * `DelayedError` (no attempt consumed), `UnrecoverableJobError` → `UnrecoverableError`.
 *
 * - Completed jobs are removed at once, so a job id may be added again after completion.
 * - Failed jobs are kept (the last 1000, up to 7 days) for inspection; while one is kept, adding
 *   its id again is a no-op (BullMQ dedups on any existing job) — unlike the database queue.
 * - Stalled jobs (worker died mid-job) are moved back to waiting by BullMQ's stalled-job checker
 *   after the lock expires; one that stalls more than once fails without `onFailed` listeners
 *   being called (BullMQ emits that on QueueEvents only).
 */
import {
  DelayedError,
  Queue as BullQueue,
  UnrecoverableError,
  Worker,
  type ConnectionOptions,
  type Job as BullJob,
} from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { KefuError } from '../errors.ts';
import {
  RetryLaterError,
  UnrecoverableJobError,
  type Job,
  type JobFailedListener,
  type JobOptions,
  type Queue,
  type QueueFactory,
} from './queue.ts';
import { consoleQueueLogger, type QueueLogger } from './queue-logger.ts';

/** Options of `createBullmqQueueFactory`. */
export interface BullmqQueueFactoryOptions {
  /**
   * A Redis URL or ioredis options; each queue and worker opens (and closes) its own connections.
   * `retryStrategy` is BullMQ's (ioredis 6 allows a `null` one, which BullMQ's types refuse).
   */
  connection: string | Omit<RedisOptions, 'retryStrategy'>;
  /** BullMQ key prefix; default `kefu`. */
  prefix?: string;
  logger?: QueueLogger;
  /** How long a running job's lock lasts without renewal (BullMQ renews it); default 30 s. */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs; default 30 s. */
  stalledIntervalMs?: number;
}

const defaultAttempts = 5;
const defaultBackoffMs = 1_000;
const defaultConcurrency = 4;
const customIdPrefix = 'key=';

/**
 * BullMQ job ids may contain neither `:` (its key separator) nor be integers (its own ids are), so
 * ours get a prefix and `%` and `:` percent-encoded; `decodeJobId` reverses it.
 */
export function encodeJobId(id: string): string {
  return customIdPrefix + id.replace(/[%:]/g, (character) => (character === '%' ? '%25' : '%3A'));
}

/** The port's job id of a BullMQ job id. */
export function decodeJobId(id: string): string {
  if (!id.startsWith(customIdPrefix)) return id;
  return id.slice(customIdPrefix.length).replace(/%(25|3A)/g, (_, code: string) => (code === '25' ? '%' : ':'));
}

/** Carries the handler's `UnrecoverableJobError` through BullMQ to the failed listeners. */
class WrappedUnrecoverableError extends UnrecoverableError {
  readonly original: UnrecoverableJobError;
  constructor(original: UnrecoverableJobError) {
    super(original.message);
    this.original = original;
  }
}

type KefuBullJob = BullJob<Record<string, unknown>, void, string>;

const toJob = (job: KefuBullJob, attempt: number): Job => ({
  id: decodeJobId(job.id ?? ''),
  name: job.name,
  data: job.data,
  attempt,
});

const bullOptions = (options: JobOptions) => ({
  ...(options.jobId === undefined ? {} : { jobId: encodeJobId(options.jobId) }),
  delay: options.delayMs ?? 0,
  attempts: options.attempts ?? defaultAttempts,
  backoff: { type: 'exponential' as const, delay: options.backoffMs ?? defaultBackoffMs },
});

/** The queues of production mode, on Redis. */
export function createBullmqQueueFactory(options: BullmqQueueFactoryOptions): QueueFactory {
  const queues = new Set<Queue>();
  return {
    create(name) {
      const queue = createBullmqQueue(name, options);
      queues.add(queue);
      return queue;
    },
    async close() {
      await Promise.all([...queues].map((queue) => queue.close()));
      queues.clear();
    },
  };
}

function createBullmqQueue(name: string, options: BullmqQueueFactoryOptions): Queue {
  const connection: ConnectionOptions =
    typeof options.connection === 'string' ? { url: options.connection } : { ...options.connection };
  const prefix = options.prefix ?? 'kefu';
  const logger = options.logger ?? consoleQueueLogger;
  const listeners: JobFailedListener[] = [];
  const queue = new BullQueue<Record<string, unknown>, void, string>(name, {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: { count: 1_000, age: 7 * 24 * 3600 } },
  });
  queue.on('error', (error) => logger.error({ queue: name, err: error }, 'queue connection error'));
  let worker: Worker<Record<string, unknown>, void, string> | undefined;

  return {
    name,
    async add(jobName, data, jobOptions = {}) {
      await queue.add(jobName, data, bullOptions(jobOptions));
    },
    async addBulk(bulk) {
      if (bulk.length === 0) return;
      // One MULTI for all; BullMQ's add script keeps an existing job id, repeated ones included.
      await queue.addBulk(bulk.map((job) => ({ name: job.name, data: job.data, opts: bullOptions(job.options ?? {}) })));
    },
    async process(handler, workerOptions = {}) {
      if (worker) throw new KefuError('queue_already_processing', `queue ${name} is already processing`);
      worker = new Worker<Record<string, unknown>, void, string>(
        name,
        async (bullJob, token) => {
          try {
            await handler(toJob(bullJob, bullJob.attemptsMade + 1));
          } catch (error) {
            if (error instanceof RetryLaterError) {
              await bullJob.moveToDelayed(Date.now() + error.delayMs, token);
              throw new DelayedError();
            }
            if (error instanceof UnrecoverableJobError) throw new WrappedUnrecoverableError(error);
            throw error instanceof Error ? error : new Error(String(error));
          }
        },
        {
          connection,
          prefix,
          concurrency: workerOptions.concurrency ?? defaultConcurrency,
          ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
          ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
        },
      );
      worker.on('error', (error) => logger.error({ queue: name, err: error }, 'queue worker error'));
      worker.on('failed', (bullJob, error) => {
        // BullMQ emits `failed` on every failed try; only a job that is finished failed for good.
        if (!bullJob || bullJob.finishedOn === undefined) return;
        const original = error instanceof WrappedUnrecoverableError ? error.original : error;
        const job = toJob(bullJob, bullJob.attemptsMade);
        for (const listener of listeners) {
          try {
            listener(job, original);
          } catch (listenerError) {
            logger.error({ queue: name, jobId: job.id, err: listenerError }, 'queue failed-listener threw');
          }
        }
      });
      await worker.waitUntilReady();
    },
    onFailed(listener) {
      listeners.push(listener);
    },
    async count() {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
      return Object.values(counts).reduce((sum, value) => sum + value, 0);
    },
    async close() {
      await worker?.close();
      await queue.close();
    },
  };
}
