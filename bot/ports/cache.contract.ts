/**
 * The behaviour every `Cache` must show, as a suite that test files run against each
 * implementation through an injected factory (one fresh, isolated cache per test).
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Cache } from './cache.ts';

/** A fresh cache for one test, and how to dispose of it. */
export interface CacheHarness {
  cache: Cache;
  cleanup(): Promise<void>;
}

/** Options of a contract run. */
export interface ContractOptions {
  /** Skip the whole suite (its backing service is not reachable). */
  skip?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Define the `Cache` contract tests for one implementation. */
export function describeCacheContract(
  name: string,
  factory: () => Promise<CacheHarness>,
  options: ContractOptions = {},
): void {
  describe.skipIf(options.skip ?? false)(`Cache contract: ${name}`, () => {
    let harness: CacheHarness;
    let cache: Cache;
    beforeEach(async () => {
      harness = await factory();
      cache = harness.cache;
    });
    afterEach(async () => {
      await cache.close();
      await harness.cleanup();
    });

    test('get of an absent key is undefined; set then get round-trips; delete removes', async () => {
      expect(await cache.get('absent')).toBeUndefined();
      await cache.set('greeting', '你好, world');
      expect(await cache.get('greeting')).toBe('你好, world');
      await cache.set('greeting', 'replaced');
      expect(await cache.get('greeting')).toBe('replaced');
      await cache.delete('greeting');
      expect(await cache.get('greeting')).toBeUndefined();
      await cache.delete('never-set');
    });

    test('a value with a TTL expires; one without stays', async () => {
      await cache.set('short', 'a', 60);
      await cache.set('forever', 'b');
      expect(await cache.get('short')).toBe('a');
      await sleep(120);
      expect(await cache.get('short')).toBeUndefined();
      expect(await cache.get('forever')).toBe('b');
    });

    test('setIfAbsent: the first store wins until the key expires', async () => {
      expect(await cache.setIfAbsent('dedup', 'first', 80)).toBe(true);
      expect(await cache.setIfAbsent('dedup', 'second', 80)).toBe(false);
      expect(await cache.get('dedup')).toBe('first');
      await sleep(140);
      expect(await cache.setIfAbsent('dedup', 'third', 80)).toBe(true);
      expect(await cache.get('dedup')).toBe('third');
    });

    test('setIfAbsent under concurrency: exactly one caller wins', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) => cache.setIfAbsent('race', `caller-${index}`, 5_000)),
      );
      const winners = results.flatMap((won, index) => (won ? [index] : []));
      expect(winners).toHaveLength(1);
      expect(await cache.get('race')).toBe(`caller-${winners[0]}`);
    });

    test('setIfAbsent does not overwrite a value stored with set', async () => {
      await cache.set('taken', 'existing');
      expect(await cache.setIfAbsent('taken', 'new', 1_000)).toBe(false);
      expect(await cache.get('taken')).toBe('existing');
    });

    test('increment counts from 1 within a fixed window that later increments do not extend', async () => {
      expect(await cache.increment('hits', 150)).toBe(1);
      expect(await cache.increment('hits', 150)).toBe(2);
      await sleep(90);
      expect(await cache.increment('hits', 150)).toBe(3);
      await sleep(100); // 190 ms after the first increment: the window has closed
      expect(await cache.increment('hits', 150)).toBe(1);
      expect(await cache.increment('other', 150)).toBe(1);
    });

    test('increment under concurrency loses no count', async () => {
      const values = await Promise.all(Array.from({ length: 25 }, () => cache.increment('burst', 5_000)));
      expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
      expect(await cache.get('burst')).toBe('25');
    });
  });
}
