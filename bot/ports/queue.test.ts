import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { Queue as BullQueue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, onTestFinished, test, vi } from 'vitest';
import { createTestDatabase, postgresAvailable, redisAvailable, redisUrl } from '../../test/support/services.ts';
import type { Database, DatabaseHandle } from '../storage/database.ts';
import { PglitePreparedClient } from '../storage/pglite-prepared-client.ts';
import { jobs } from '../storage/schema.ts';
import { createBullmqQueueFactory } from './bullmq-queue.ts';
import { createDatabaseQueueFactory, StalledJobError } from './database-queue.ts';
import { describeQueueContract, type QueueHarness } from './queue.contract.ts';
import type { Job, JobData, QueueFactory } from './queue.ts';

const originalQuery = PglitePreparedClient.prototype.query;

// One database per driver for the whole file, opened on first use; tests use their own queue names.
const handles = new Map<'pglite' | 'postgres', Promise<DatabaseHandle>>();
function testDatabase(driver: 'pglite' | 'postgres'): Promise<DatabaseHandle> {
  let handle = handles.get(driver);
  if (!handle) {
    handle = createTestDatabase(driver);
    handles.set(driver, handle);
  }
  return handle;
}
afterAll(async () => void (await Promise.all([...handles.values()].map(async (handle) => (await handle).close()))));

/** Strand a job as a SIGKILL mid-job leaves it: a claimed row whose lease has run out. */
async function strandDatabaseJob(db: Database, queue: string, name: string, data: JobData, attempt = 1) {
  await db.insert(jobs).values({
    queue,
    name,
    jobKey: randomUUID(),
    data,
    status: 'active',
    attempt,
    maxAttempts: 3,
    backoffMs: 1_000,
    lockedUntil: sql`now() - interval '1 second'`,
  });
}

/** Each test gets new factories on the shared database of `driver`. */
function databaseHarness(driver: 'pglite' | 'postgres'): () => Promise<QueueHarness> {
  return async () => {
    const { db } = await testDatabase(driver);
    const factories: QueueFactory[] = [];
    const createFactory = () => {
      const factory = createDatabaseQueueFactory({ db });
      factories.push(factory);
      return factory;
    };
    return {
      factory: createFactory(),
      createFactory,
      strandActiveJob: (queue, name, data) => strandDatabaseJob(db, queue, name, data),
      cleanup: async () => void (await Promise.all(factories.map((factory) => factory.close()))),
    };
  };
}

/** A unique BullMQ prefix per test; stalled jobs are looked for every 100 ms. */
async function bullmqHarness(): Promise<QueueHarness> {
  const prefix = `kefu-test-${randomUUID()}`;
  const connection = { url: redisUrl };
  const factories: QueueFactory[] = [];
  const createFactory = () => {
    const factory = createBullmqQueueFactory({ connection: redisUrl, prefix, stalledIntervalMs: 100 });
    factories.push(factory);
    return factory;
  };
  return {
    factory: createFactory(),
    createFactory,
    async strandActiveJob(queueName, name, data) {
      // Take the job as a worker would, then vanish without completing it or renewing its lock.
      const queue = new BullQueue(queueName, { connection, prefix });
      await queue.add(name, data);
      const worker = new Worker(queueName, null, { connection, prefix, autorun: false, lockDuration: 100 });
      const job = await worker.getNextJob('crashed-worker-token');
      if (job?.name !== name) throw new Error('could not take the job to strand');
      await worker.close(true);
      await queue.close();
    },
    async cleanup() {
      await Promise.all(factories.map((factory) => factory.close()));
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

describeQueueContract('database (PGlite)', databaseHarness('pglite'));
describeQueueContract('database (PostgreSQL)', databaseHarness('postgres'), { skip: !(await postgresAvailable()) });
describeQueueContract('BullMQ (Redis)', bullmqHarness, { skip: !(await redisAvailable()) });

describe('database queue (PGlite): leases and kept rows', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const queueName = () => `q-${randomUUID().slice(0, 8)}`;
  /** A queue with a name of its own on the shared PGlite database, closed after the test. */
  const newQueue = async () => {
    const { db } = await testDatabase('pglite');
    const name = queueName();
    const factory = createDatabaseQueueFactory({ db });
    onTestFinished(() => factory.close());
    return { db, name, queue: factory.create(name) };
  };

  test('a lease is renewed while a long job runs, so another worker does not take it', async () => {
    const { db } = await testDatabase('pglite');
    const factories = [0, 1].map(() => createDatabaseQueueFactory({ db, leaseMs: 200, pollIntervalMs: 50 }));
    onTestFinished(async () => void (await Promise.all(factories.map((factory) => factory.close()))));
    const name = queueName();
    let runs = 0;
    const queues = factories.map((factory) => factory.create(name));
    for (const queue of queues) await queue.process(async () => void (runs++, await sleep(700)));
    await queues[0]!.add('long', {});
    await sleep(850); // without renewals the lease would have run out after 200 ms
    expect(runs).toBe(1);
  });

  test('a worker claims a newly added job only after the adder has carried on (a webhook acknowledges first)', async () => {
    const { db } = await testDatabase('pglite');
    const factory = createDatabaseQueueFactory({ db, pollIntervalMs: 60_000 });
    onTestFinished(() => factory.close());
    const queue = factory.create(queueName());
    const ran = new Promise<void>((resolve) => void queue.process(async () => resolve()));
    await sleep(50); // the start-up claim, which finds nothing
    const order: string[] = [];
    // Every statement of the embedded database goes through its statement cache.
    const query = vi.spyOn(PglitePreparedClient.prototype, 'query');
    query.mockImplementation(function (this: PglitePreparedClient, ...args: Parameters<PglitePreparedClient['query']>) {
      if (/^update "jobs"/.test(String(args[0]))) order.push('claim');
      return originalQuery.apply(this, args);
    } as PglitePreparedClient['query']);
    onTestFinished(() => query.mockRestore());
    await queue.add('job', {});
    order.push('adder carried on');
    // Everything the adder does without waiting for I/O (answering the webhook) comes first.
    await Promise.resolve();
    await Promise.resolve();
    order.push('adder done');
    await ran;
    expect(order).toEqual(['adder carried on', 'adder done', 'claim']);
  });

  test('a job whose lease expired on its last attempt fails with StalledJobError', async () => {
    const { db } = await testDatabase('pglite');
    const name = queueName();
    await strandDatabaseJob(db, name, 'poison', {}, 3);
    const factory = createDatabaseQueueFactory({ db });
    onTestFinished(() => factory.close());
    const queue = factory.create(name);
    const failures: Array<{ job: Job; error: unknown }> = [];
    queue.onFailed((job, error) => failures.push({ job, error }));
    let runs = 0;
    await queue.process(async () => void runs++);
    await expect.poll(() => failures.length).toBe(1);
    expect(failures[0]!.error).toBeInstanceOf(StalledJobError);
    expect(runs).toBe(0);
  });

  test('a job added alone (prepared insert) is stored as one added in bulk: JSON data, delay, one per key', async () => {
    const { db, name, queue } = await newQueue();
    await queue.add('alone', { text: '你好', n: 1 }, { jobId: 'a', delayMs: 60_000, attempts: 2 });
    await queue.add('alone', { text: 'again' }, { jobId: 'a' });
    await queue.addBulk([
      { name: 'bulk', data: { text: '你好', n: 1 }, options: { jobId: 'b', delayMs: 60_000, attempts: 2 } },
      { name: 'bulk', data: { text: 'other' }, options: { jobId: 'c' } },
    ]);
    const rows = await db
      .select({ jobKey: jobs.jobKey, data: jobs.data, maxAttempts: jobs.maxAttempts, type: sql<string>`jsonb_typeof(${jobs.data})`, delayed: sql<boolean>`${jobs.runAt} > now() + interval '50 seconds'` })
      .from(jobs)
      .where(eq(jobs.queue, name))
      .orderBy(jobs.jobKey);
    expect(rows).toEqual([
      { jobKey: 'a', data: { text: '你好', n: 1 }, maxAttempts: 2, type: 'object', delayed: true },
      { jobKey: 'b', data: { text: '你好', n: 1 }, maxAttempts: 2, type: 'object', delayed: true },
      { jobKey: 'c', data: { text: 'other' }, maxAttempts: 5, type: 'object', delayed: false },
    ]);
  });

  test('completed jobs are deleted; failed ones are kept with their last error', async () => {
    const { db, name, queue } = await newQueue();
    let failed = 0;
    queue.onFailed(() => void failed++);
    await queue.process(async (job) => {
      if (job.name === 'bad') throw new Error('boom');
    });
    await queue.add('good', {}, { jobId: 'good' });
    await queue.add('bad', {}, { jobId: 'bad', attempts: 1 });
    await expect.poll(() => failed).toBe(1);
    await expect.poll(() => queue.count()).toBe(0);
    const rows = await db.select().from(jobs).where(eq(jobs.queue, name));
    expect(rows.map(({ jobKey, status, lastError }) => ({ jobKey, status, lastError }))).toEqual([
      { jobKey: 'bad', status: 'failed', lastError: 'Error: boom' },
    ]);
  });
});
