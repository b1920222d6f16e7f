import { EventEmitter } from 'node:events';
import { expect, onTestFinished, test } from 'vitest';
import type { JobRow, JobStore } from './database-job-store.ts';
import { startWorker, type WorkerContext } from './database-queue-worker.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const silent = { info() {}, warn() {}, error() {} };

/** An in-memory stand-in for the job table that counts claim statements. */
function countingStore() {
  const waiting: JobRow[] = [];
  let nextId = 1;
  const store = {
    claims: 0,
    add(name: string) {
      waiting.push({ id: nextId++, name, jobKey: name, data: {}, attempt: 0, maxAttempts: 3, backoffMs: 10, runAt: new Date() } as unknown as JobRow);
    },
    async claim(_leaseMs: number, limit = 1) {
      store.claims += 1;
      return waiting.splice(0, limit).map((row) => ({ ...row, attempt: row.attempt + 1 }));
    },
    async complete() {},
    async extendLease() {
      return true;
    },
  };
  return store;
}

function run(store: ReturnType<typeof countingStore>, handler: WorkerContext['handler'], concurrency = 4, pollIntervalMs = 1_000) {
  const channel = new EventEmitter();
  const context = {
    name: 'q',
    store: store as unknown as JobStore,
    leaseMs: 30_000,
    pollIntervalMs,
    logger: silent,
    handler,
    notifyFailed() {},
    wakeWorkers: () => void channel.emit('q'),
  } satisfies WorkerContext;
  const worker = startWorker(context, concurrency, channel);
  onTestFinished(() => worker.stop());
  return { wake: () => channel.emit('q') };
}

test('jobs added one at a time cost one claim each: no claim after a finished job, no polling in between', async () => {
  const store = countingStore();
  const ran: string[] = [];
  const { wake } = run(store, async (job) => void ran.push(job.name));
  await sleep(20); // the start-up claim (finds nothing)
  const claimsAtStart = store.claims;
  for (const name of ['a', 'b', 'c', 'd', 'e']) {
    store.add(name);
    wake();
    await sleep(30);
  }
  expect(ran).toEqual(['a', 'b', 'c', 'd', 'e']);
  // Before: a claim for the job, another right after it (empty), and one when it finished.
  expect(store.claims - claimsAtStart).toBe(5);
});

test('a burst larger than the concurrency is claimed in slot-sized batches, each job run once', async () => {
  const store = countingStore();
  const ran: string[] = [];
  let active = 0;
  let most = 0;
  const { wake } = run(store, async (job) => {
    most = Math.max(most, ++active);
    await sleep(5);
    active -= 1;
    ran.push(job.name);
  }, 3);
  await sleep(20);
  const claimsAtStart = store.claims;
  for (let index = 0; index < 10; index += 1) store.add(`job-${index}`);
  wake();
  await expect.poll(() => ran.length).toBe(10);
  await sleep(30);
  expect(new Set(ran).size).toBe(10);
  expect(most).toBeLessThanOrEqual(3);
  // 10 jobs through 3 slots; a claim takes every free slot's job at once.
  expect(store.claims - claimsAtStart).toBeLessThanOrEqual(10);
});

test('a job nobody woke the worker for (another process added it) is found by the poll', async () => {
  const store = countingStore();
  const ran: string[] = [];
  run(store, async (job) => void ran.push(job.name), 4, 100);
  await sleep(20);
  store.add('from-elsewhere');
  await expect.poll(() => ran, { timeout: 1_000, interval: 20 }).toEqual(['from-elsewhere']);
});
