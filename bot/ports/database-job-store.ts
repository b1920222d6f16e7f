/**
 * The SQL of the embedded queue (`database-queue.ts`), one statement per transition, never a
 * transaction held open while a handler runs (PGlite has a single connection).
 *
 * A row moves waiting → active (claimed with a lease) → deleted (completed) | waiting (retry) |
 * failed. Every transition out of `active` is guarded by the attempt number the worker claimed,
 * so a worker whose lease expired and whose job was re-claimed elsewhere changes nothing.
 * All times come from the database clock (`now()`), never from the processes' clocks.
 */
import { and, asc, eq, inArray, lt, lte, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { Database } from '../storage/database.ts';
import { preparedQuery } from '../storage/prepared-query.ts';
import { jobs } from '../storage/schema.ts';

/** A `jobs` row as read back from the database. */
export type JobRow = typeof jobs.$inferSelect;

/** What `add` stores. */
export interface NewJob {
  queue: string;
  name: string;
  jobKey: string;
  data: Record<string, unknown>;
  maxAttempts: number;
  backoffMs: number;
  delayMs: number;
}

/** `now() + ms`, computed by the database; `ms` is a number or a prepared query's placeholder. */
const fromNow = (ms: number | Placeholder): SQL =>
  sql`now() + ${typeof ms === 'number' ? Math.max(0, ms) : ms}::double precision * interval '1 millisecond'`;

/**
 * Still the claim this worker made: active, and not re-claimed since (re-claiming bumps
 * `attempt`). Values of a row, or a prepared query's placeholders.
 */
const owned = (id: number | Placeholder, attempt: number | Placeholder): SQL | undefined =>
  and(eq(jobs.id, id), eq(jobs.status, 'active'), eq(jobs.attempt, attempt));

// The two statements every job runs, built once per database (DECISIONS #16): Drizzle's builder
// cost more CPU per call than PGlite's execution of a prepared statement.
const claimQuery = (db: Database) =>
  preparedQuery(db, 'kefu_jobs_claim', (base, name) => {
    const due = base
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        and(
          eq(jobs.queue, sql.placeholder('queue')),
          or(
            and(eq(jobs.status, 'waiting'), lte(jobs.runAt, sql`now()`)),
            and(eq(jobs.status, 'active'), lt(jobs.lockedUntil, sql`now()`)),
          ),
        ),
      )
      .orderBy(asc(jobs.runAt), asc(jobs.id))
      .limit(sql.placeholder('limit'))
      .for('update', { skipLocked: true });
    return base
      .update(jobs)
      .set({
        status: 'active',
        attempt: sql`${jobs.attempt} + 1`,
        lockedUntil: fromNow(sql.placeholder('leaseMs')),
        updatedAt: sql`now()`,
      })
      .where(inArray(jobs.id, due))
      .returning()
      .prepare(name);
  });

const completeQuery = (db: Database) =>
  preparedQuery(db, 'kefu_jobs_complete', (base, name) =>
    base.delete(jobs).where(owned(sql.placeholder('id'), sql.placeholder('attempt'))).prepare(name),
  );

/** A job with the same key waiting or active (the partial unique index) wins: nothing inserted. */
const insertConflict = { target: [jobs.queue, jobs.jobKey], where: sql`status in ('waiting', 'active')` };

// One job per call is the common case (a message's processing, an outbox delivery): prepared
// like the two above. Batches keep the builder: their text depends on the batch size.
const insertOneQuery = (db: Database) =>
  preparedQuery(db, 'kefu_jobs_insert_one', (base, name) =>
    base
      .insert(jobs)
      .values({
        queue: sql.placeholder('queue'),
        name: sql.placeholder('name'),
        jobKey: sql.placeholder('jobKey'),
        data: sql.placeholder('data'),
        status: 'waiting',
        maxAttempts: sql.placeholder('maxAttempts'),
        backoffMs: sql.placeholder('backoffMs'),
        runAt: fromNow(sql.placeholder('delayMs')),
      })
      .onConflictDoNothing(insertConflict)
      .prepare(name),
  );

/** The statements of one queue. */
export function createJobStore(db: Database, queue: string) {
  return {
    /**
     * Insert unless a job with the same key is waiting or active (the partial unique index); of
     * several jobs with one key in `batch`, the first is kept. One statement for the whole batch.
     */
    async insert(batch: readonly NewJob[]): Promise<void> {
      if (batch.length === 0) return;
      if (batch.length === 1) {
        const job = batch[0] as NewJob;
        await insertOneQuery(db).execute({ ...job, delayMs: Math.max(0, job.delayMs) });
        return;
      }
      await db
        .insert(jobs)
        .values(
          batch.map((job) => ({
            queue: job.queue,
            name: job.name,
            jobKey: job.jobKey,
            data: job.data,
            status: 'waiting' as const,
            maxAttempts: job.maxAttempts,
            backoffMs: job.backoffMs,
            runAt: fromNow(job.delayMs),
          })),
        )
        .onConflictDoNothing(insertConflict);
    },

    /**
     * Atomically take up to `limit` of the oldest due jobs — waiting and due, or active with an
     * expired lease (their worker died) — count the attempt and lease them for `leaseMs`; oldest
     * first. Fewer than `limit` means nothing else is due. SKIP LOCKED lets concurrent workers on
     * PostgreSQL take different rows instead of queueing behind one another.
     */
    async claim(leaseMs: number, limit = 1): Promise<JobRow[]> {
      const rows = await claimQuery(db).execute({ queue, leaseMs: Math.max(0, leaseMs), limit: Math.max(1, limit) });
      // UPDATE … RETURNING keeps no order; run them oldest first.
      return rows.sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
    },

    /** Keep a running job's lease alive; false when it was lost. */
    async extendLease(row: JobRow, leaseMs: number): Promise<boolean> {
      const updated = await db
        .update(jobs)
        .set({ lockedUntil: fromNow(leaseMs) })
        .where(owned(row.id, row.attempt))
        .returning({ id: jobs.id });
      return updated.length > 0;
    },

    /** Completed jobs are deleted at once: nothing reads them, and the key is free again. */
    async complete(row: JobRow): Promise<void> {
      await completeQuery(db).execute({ id: row.id, attempt: row.attempt });
    },

    /**
     * Back to waiting, due in `delayMs`. `countAttempt: false` (RetryLaterError) gives back the
     * attempt the claim counted.
     */
    async reschedule(row: JobRow, delayMs: number, options: { countAttempt: boolean; error?: string }): Promise<void> {
      await db
        .update(jobs)
        .set({
          status: 'waiting',
          attempt: options.countAttempt ? row.attempt : row.attempt - 1,
          runAt: fromNow(delayMs),
          lockedUntil: null,
          ...(options.error === undefined ? {} : { lastError: options.error }),
          updatedAt: sql`now()`,
        })
        .where(owned(row.id, row.attempt));
    },

    /** Failed for good (kept for inspection); true when this worker still owned the job. */
    async fail(row: JobRow, error: string): Promise<boolean> {
      const updated = await db
        .update(jobs)
        .set({ status: 'failed', lockedUntil: null, lastError: error, updatedAt: sql`now()` })
        .where(owned(row.id, row.attempt))
        .returning({ id: jobs.id });
      return updated.length > 0;
    },

    /** Waiting (due or delayed) and active jobs. */
    async countLive(): Promise<number> {
      return db.$count(jobs, and(eq(jobs.queue, queue), inArray(jobs.status, ['waiting', 'active'])));
    },
  };
}

/** The statements of one queue, as returned by `createJobStore`. */
export type JobStore = ReturnType<typeof createJobStore>;
