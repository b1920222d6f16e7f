/**
 * The behaviour every `QueueFactory` must show, as a suite that test files run against each
 * implementation through an injected harness (a fresh factory per test; each test uses its own
 * queue name). Delays are kept small so the whole suite runs in seconds.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ContractOptions } from './cache.contract.ts';
import { RetryLaterError, UnrecoverableJobError, type Job, type JobData, type QueueFactory } from './queue.ts';

/** A fresh factory on an isolated backend, plus what the crash and multi-process cases need. */
export interface QueueHarness {
  factory: QueueFactory;
  /** Another factory on the same backend, as another process would have. */
  createFactory(): QueueFactory;
  /**
   * Leave a job `active` the way a worker killed mid-job does (its lease expired or about to);
   * a factory that processes `queueName` afterwards must run it.
   */
  strandActiveJob(queueName: string, jobName: string, data: JobData): Promise<void>;
  /** Close every factory of this harness and drop the backend's data. */
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** Define the `Queue` contract tests for one implementation. */
export function describeQueueContract(
  name: string,
  createHarness: () => Promise<QueueHarness>,
  options: ContractOptions = {},
): void {
  describe.skipIf(options.skip ?? false)(`Queue contract: ${name}`, () => {
    let harness: QueueHarness;
    let queueName: string;
    beforeEach(async () => {
      harness = await createHarness();
      queueName = `q-${randomUUID().slice(0, 8)}`;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    test('runs a job with its name and data; count drops to zero', async () => {
      const queue = harness.factory.create(queueName);
      const seen: Job[] = [];
      await queue.process(async (job) => void seen.push(job));
      const data = { text: '你好', nested: { count: 1, list: [1, 'two', null, true] } };
      await queue.add('greet', data);
      await waitFor(() => seen.length === 1);
      expect(seen[0]).toMatchObject({ name: 'greet', data, attempt: 1, id: expect.any(String) });
      await waitFor(async () => (await queue.count()) === 0);
    });

    test('a jobId, colons included, becomes the job id', async () => {
      const queue = harness.factory.create(queueName);
      const ids: string[] = [];
      await queue.process(async (job) => void ids.push(job.id));
      await queue.add('process', {}, { jobId: 'wechat:msg:42%' });
      await waitFor(() => ids.length === 1);
      expect(ids).toEqual(['wechat:msg:42%']);
    });

    test('a delayed job is counted and runs no earlier than its delay', async () => {
      const queue = harness.factory.create(queueName);
      const addedAt = Date.now();
      await queue.add('later', {}, { delayMs: 250 });
      expect(await queue.count()).toBe(1);
      let ranAt = 0;
      await queue.process(async () => void (ranAt = Date.now()));
      await waitFor(() => ranAt > 0);
      expect(ranAt - addedAt).toBeGreaterThanOrEqual(230);
    });

    test('adding a waiting or active jobId again is a no-op; after completion it runs again', async () => {
      const queue = harness.factory.create(queueName);
      const runs: JobData[] = [];
      let release = () => {};
      await queue.add('dedup', { n: 1 }, { jobId: 'same', delayMs: 100 });
      await queue.add('dedup', { n: 2 }, { jobId: 'same', delayMs: 100 });
      expect(await queue.count()).toBe(1);
      await queue.process(async (job) => {
        runs.push(job.data);
        if (job.data.n === 3) await new Promise<void>((resolve) => (release = resolve));
      });
      await waitFor(() => runs.length === 1);
      await waitFor(async () => (await queue.count()) === 0);
      await queue.add('dedup', { n: 3 }, { jobId: 'same' });
      await waitFor(() => runs.length === 2);
      await queue.add('dedup', { n: 4 }, { jobId: 'same' }); // while n: 3 is active
      release();
      await waitFor(async () => (await queue.count()) === 0);
      await sleep(100);
      expect(runs).toEqual([{ n: 1 }, { n: 3 }]);
    });

    test('addBulk adds each job once: a jobId repeated in the bulk or already waiting is a no-op', async () => {
      const queue = harness.factory.create(queueName);
      await queue.add('bulk', { n: 0 }, { jobId: 'a:1', delayMs: 100 });
      await queue.addBulk([
        { name: 'bulk', data: { n: 1 }, options: { jobId: 'a:1', delayMs: 100 } },
        { name: 'bulk', data: { n: 2 }, options: { jobId: 'b', delayMs: 100 } },
        { name: 'bulk', data: { n: 3 }, options: { jobId: 'b', delayMs: 100 } },
        { name: 'bulk', data: { n: 4 }, options: { delayMs: 100 } },
      ]);
      await queue.addBulk([]);
      expect(await queue.count()).toBe(3);
      const runs: Job[] = [];
      await queue.process(async (job) => void runs.push(job));
      await waitFor(() => runs.length === 3);
      await sleep(100);
      expect(runs.map((job) => job.data.n).sort()).toEqual([0, 2, 4]);
      expect(runs.map((job) => job.id)).toEqual(expect.arrayContaining(['a:1', 'b']));
    });

    test('a failing job is retried with exponential back-off, then reported once', async () => {
      const queue = harness.factory.create(queueName);
      const startedAt: number[] = [];
      const failures: Array<{ job: Job; error: unknown }> = [];
      queue.onFailed((job, error) => failures.push({ job, error }));
      await queue.process(async (job) => {
        startedAt.push(Date.now());
        throw new Error(`boom ${job.attempt}`);
      });
      await queue.add('flaky', { order: 7 }, { jobId: 'fails', attempts: 3, backoffMs: 40 });
      await waitFor(() => failures.length === 1);
      expect(startedAt).toHaveLength(3);
      expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(35); // 40 × 2⁰
      expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(75); // 40 × 2¹
      expect(failures[0]!.job).toMatchObject({ id: 'fails', name: 'flaky', data: { order: 7 }, attempt: 3 });
      expect(failures[0]!.error).toBeInstanceOf(Error);
      expect((failures[0]!.error as Error).message).toBe('boom 3');
      await waitFor(async () => (await queue.count()) === 0);
      await sleep(100);
      expect(startedAt).toHaveLength(3);
      expect(failures).toHaveLength(1);
    });

    test('a job that succeeds on a retry is not reported as failed', async () => {
      const queue = harness.factory.create(queueName);
      const attempts: number[] = [];
      let failed = 0;
      queue.onFailed(() => void failed++);
      await queue.process(async (job) => {
        attempts.push(job.attempt);
        if (job.attempt === 1) throw new Error('transient');
      });
      await queue.add('recovers', {}, { attempts: 3, backoffMs: 20 });
      await waitFor(() => attempts.length === 2);
      await waitFor(async () => (await queue.count()) === 0);
      expect(attempts).toEqual([1, 2]);
      expect(failed).toBe(0);
    });

    test('RetryLaterError runs the job again after its delay without using an attempt', async () => {
      const queue = harness.factory.create(queueName);
      const runs: Array<{ attempt: number; at: number }> = [];
      let failed = 0;
      queue.onFailed(() => void failed++);
      await queue.process(async (job) => {
        runs.push({ attempt: job.attempt, at: Date.now() });
        if (runs.length < 3) throw new RetryLaterError(60);
      });
      await queue.add('not-now', {}, { attempts: 1 });
      await waitFor(() => runs.length === 3);
      await waitFor(async () => (await queue.count()) === 0);
      expect(runs.map((run) => run.attempt)).toEqual([1, 1, 1]);
      expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(50);
      expect(failed).toBe(0);
    });

    test('UnrecoverableJobError fails the job at once', async () => {
      const queue = harness.factory.create(queueName);
      let runs = 0;
      const failures: Array<{ job: Job; error: unknown }> = [];
      queue.onFailed((job, error) => failures.push({ job, error }));
      const fatal = new UnrecoverableJobError('blocked by the user');
      await queue.process(async () => {
        runs++;
        throw fatal;
      });
      await queue.add('doomed', {}, { attempts: 5, backoffMs: 10 });
      await waitFor(() => failures.length === 1);
      expect(runs).toBe(1);
      expect(failures[0]!.job.attempt).toBe(1);
      expect(failures[0]!.error).toBe(fatal);
    });

    test('no more than `concurrency` jobs run at once', async () => {
      const queue = harness.factory.create(queueName);
      let active = 0;
      let maxActive = 0;
      let done = 0;
      await queue.process(
        async () => {
          active++;
          maxActive = Math.max(maxActive, active);
          await sleep(60);
          active--;
          done++;
        },
        { concurrency: 2 },
      );
      await Promise.all(Array.from({ length: 6 }, (_, index) => queue.add('work', { index })));
      await waitFor(() => done === 6);
      expect(maxActive).toBe(2);
    });

    test('close waits for the running job to finish', async () => {
      const queue = harness.factory.create(queueName);
      let started = false;
      let finished = false;
      await queue.process(async () => {
        started = true;
        await sleep(150);
        finished = true;
      });
      await queue.add('slow', {});
      await waitFor(() => started);
      await queue.close();
      expect(finished).toBe(true);
    });

    test('a job left active by a crashed worker is run again', async () => {
      await harness.strandActiveJob(queueName, 'orphan', { n: 7 });
      const queue = harness.factory.create(queueName);
      const seen: Job[] = [];
      await queue.process(async (job) => void seen.push(job));
      await waitFor(() => seen.length === 1, 5_000);
      expect(seen[0]).toMatchObject({ name: 'orphan', data: { n: 7 } });
    });

    test('workers of two processes share the jobs; each runs exactly once', async () => {
      const first = harness.factory.create(queueName);
      const second = harness.createFactory().create(queueName);
      const runs: number[] = [];
      const handler = async (job: Job) => {
        await sleep(5);
        runs.push(Number(job.data.index));
      };
      await first.process(handler, { concurrency: 2 });
      await second.process(handler, { concurrency: 2 });
      await Promise.all(Array.from({ length: 12 }, (_, index) => first.add('shared', { index })));
      await waitFor(() => runs.length === 12);
      await sleep(100);
      expect([...runs].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, index) => index));
    });
  });
}
