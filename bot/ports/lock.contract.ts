/**
 * The behaviour every `Lock` must show, as a suite that test files run against each
 * implementation through an injected factory (one fresh, isolated lock per test).
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ContractOptions } from './cache.contract.ts';
import type { Lock } from './lock.ts';

/** A fresh lock for one test, and how to dispose of it. */
export interface LockHarness {
  lock: Lock;
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Define the `Lock` contract tests for one implementation. */
export function describeLockContract(
  name: string,
  factory: () => Promise<LockHarness>,
  options: ContractOptions = {},
): void {
  describe.skipIf(options.skip ?? false)(`Lock contract: ${name}`, () => {
    let harness: LockHarness;
    let lock: Lock;
    beforeEach(async () => {
      harness = await factory();
      lock = harness.lock;
    });
    afterEach(async () => {
      await lock.close();
      await harness.cleanup();
    });

    test('a held key cannot be acquired again until released', async () => {
      const token = await lock.acquire('conversation:1', 5_000);
      expect(token).toEqual(expect.any(String));
      expect(await lock.acquire('conversation:1', 5_000)).toBeUndefined();
      expect(await lock.acquire('conversation:2', 5_000)).toEqual(expect.any(String));
      expect(await lock.release('conversation:1', token ?? '')).toBe(true);
      const next = await lock.acquire('conversation:1', 5_000);
      expect(next).toEqual(expect.any(String));
      expect(next).not.toBe(token);
    });

    test('only one of many concurrent acquirers gets the lease', async () => {
      const tokens = await Promise.all(Array.from({ length: 20 }, () => lock.acquire('contended', 5_000)));
      expect(tokens.filter((token) => token !== undefined)).toHaveLength(1);
    });

    test('release and extend with a wrong token fail and leave the lease in place', async () => {
      const token = await lock.acquire('key', 5_000);
      expect(await lock.release('key', 'not-the-token')).toBe(false);
      expect(await lock.extend('key', 'not-the-token', 5_000)).toBe(false);
      expect(await lock.acquire('key', 5_000)).toBeUndefined();
      expect(await lock.release('key', token ?? '')).toBe(true);
      expect(await lock.release('key', token ?? '')).toBe(false);
      expect(await lock.release('never-held', 'anything')).toBe(false);
    });

    test('a lease expires after its TTL; the old holder can then neither release nor extend', async () => {
      const stale = await lock.acquire('crashed', 60);
      await sleep(120);
      const fresh = await lock.acquire('crashed', 5_000);
      expect(fresh).toEqual(expect.any(String));
      expect(await lock.release('crashed', stale ?? '')).toBe(false);
      expect(await lock.extend('crashed', stale ?? '', 5_000)).toBe(false);
      expect(await lock.acquire('crashed', 5_000)).toBeUndefined();
    });

    test('extend keeps a lease past its first TTL', async () => {
      const token = await lock.acquire('long-job', 100);
      await sleep(60);
      expect(await lock.extend('long-job', token ?? '', 300)).toBe(true);
      await sleep(100); // 160 ms: past the first TTL, inside the extended one
      expect(await lock.acquire('long-job', 5_000)).toBeUndefined();
      expect(await lock.release('long-job', token ?? '')).toBe(true);
    });
  });
}
