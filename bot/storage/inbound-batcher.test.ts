/**
 * The group-commit batcher on its own: batch boundaries, per-caller results, failure isolation
 * between batches, and order.
 */
import { describe, expect, test } from 'vitest';
import { BatchResultMismatchError, createBatcher } from './inbound-batcher.ts';

const deferred = () => {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
};

describe('createBatcher', () => {
  test('concurrent items go in one batch and each caller gets its own result', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number, string>({
      maxWaitMs: 5,
      run: async (items) => {
        batches.push([...items]);
        return items.map((item) => `stored-${item}`);
      },
    });
    const results = await Promise.all([1, 2, 3].map((item) => batcher.submit(item)));
    expect(results).toEqual(['stored-1', 'stored-2', 'stored-3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  test('by default an item that finds the batcher idle is written at the end of its event-loop turn, not after a timer', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number, number>({
      run: async (items) => {
        batches.push([...items]);
        return [...items];
      },
    });
    // Two items of one turn (say, one webhook's two messages) share the batch.
    const results = [batcher.submit(1), batcher.submit(2)];
    expect(batches).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1, 2]]);
    expect(await Promise.all(results)).toEqual([1, 2]);
  });

  test('a full batch is written at once; items arriving during a write form the next batch, in order', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const batcher = createBatcher<number, number>({
      maxItems: 2,
      maxWaitMs: 10_000,
      run: async (items) => {
        batches.push([...items]);
        if (batches.length === 1) await gate.promise;
        return items;
      },
    });
    const first = [batcher.submit(1), batcher.submit(2)];
    await Promise.resolve();
    expect(batches).toEqual([[1, 2]]);
    const later = [3, 4, 5].map((item) => batcher.submit(item));
    gate.release();
    expect(await Promise.all([...first, ...later])).toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  test('a failing write rejects every caller of that batch, and the next batch works', async () => {
    let calls = 0;
    const batcher = createBatcher<string, string>({
      maxWaitMs: 1,
      run: async (items) => {
        calls += 1;
        if (calls === 1) throw new Error('database down');
        return items.map((item) => item.toUpperCase());
      },
    });
    const failed = await Promise.allSettled([batcher.submit('a'), batcher.submit('b')]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await Promise.all([batcher.submit('c'), batcher.submit('d')])).toEqual(['C', 'D']);
  });

  test('a write returning the wrong number of results rejects its callers', async () => {
    const batcher = createBatcher<number, number>({ maxWaitMs: 1, run: async () => [1] });
    const settled = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(settled.every((result) => result.status === 'rejected' && result.reason instanceof BatchResultMismatchError)).toBe(true);
  });

  test('drain waits for the pending and running batches', async () => {
    const written: number[] = [];
    const batcher = createBatcher<number, number>({
      maxWaitMs: 10_000,
      run: async (items) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        written.push(...items);
        return items;
      },
    });
    const submitted = [batcher.submit(1), batcher.submit(2)];
    await batcher.drain();
    expect(written).toEqual([1, 2]);
    await Promise.all(submitted);
  });
});
