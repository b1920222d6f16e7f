/**
 * The queue port: durable background jobs with delays and retries. Two implementations:
 * `database-queue.ts` (embedded: jobs are rows in the database, run by an in-process worker, so a
 * restart loses none) and `bullmq-queue.ts` (production: BullMQ on Redis, any number of workers).
 * Both pass `queue.contract.ts`.
 */

/** JSON-serialisable job payload. */
export type JobData = Record<string, unknown>;

export interface JobOptions {
  /**
   * Idempotency key: adding a job whose id is already waiting, delayed or active is a no-op.
   * (Once that job completed, the same id may be added again.)
   */
  jobId?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Total tries including the first; default 5. */
  attempts?: number;
  /** Exponential back-off base between tries, in ms; default 1000. */
  backoffMs?: number;
}

/** One job of `Queue.addBulk`. */
export interface BulkJob {
  name: string;
  data: JobData;
  options?: JobOptions;
}

/** A job as its handler sees it. */
export interface Job {
  id: string;
  name: string;
  data: JobData;
  /** 1 on the first try. */
  attempt: number;
}

/**
 * What a job handler returns or throws:
 * - resolves: done;
 * - throws `RetryLaterError`: run again after `delayMs`, not counted as a failed attempt;
 * - throws `UnrecoverableJobError`: failed for good, no retry;
 * - throws anything else: retried with back-off until `attempts` is used up.
 */
export type JobHandler = (job: Job) => Promise<void>;

export interface QueueWorkerOptions {
  /** How many jobs of this queue run at once in this process; default 4. */
  concurrency?: number;
}

/** Called when a job failed for good (after its last attempt or unrecoverable). */
export type JobFailedListener = (job: Job, error: unknown) => void;

export interface Queue {
  /** The queue's name (one queue per kind of work: `process`, `outbox`). */
  readonly name: string;
  add(name: string, data: JobData, options?: JobOptions): Promise<void>;
  /**
   * Add several jobs in one round trip, each as `add` would (a `jobId` already waiting, delayed
   * or active — or repeated within `jobs` — is added once).
   */
  addBulk(jobs: readonly BulkJob[]): Promise<void>;
  /** Start running jobs in this process. Call at most once per queue object. */
  process(handler: JobHandler, options?: QueueWorkerOptions): Promise<void>;
  onFailed(listener: JobFailedListener): void;
  /** Jobs waiting, delayed or running (for `/metrics` and `/readyz`). */
  count(): Promise<number>;
  /** Stop taking jobs, wait for running ones, release connections. */
  close(): Promise<void>;
}

/** Creates the queues of one runtime mode. */
export interface QueueFactory {
  create(name: string): Queue;
  close(): Promise<void>;
}

/** Thrown by a handler: "not now" — retried after `delayMs`, not counted as an attempt. */
export class RetryLaterError extends Error {
  readonly delayMs: number;
  constructor(delayMs: number, message = 'retry later') {
    super(message);
    this.name = 'RetryLaterError';
    this.delayMs = delayMs;
  }
}

/** Thrown by a handler: failed for good, do not retry. */
export class UnrecoverableJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnrecoverableJobError';
  }
}
