/**
 * Group commit: concurrent callers' items are collected and written by one `run` call. A batch is
 * flushed when it holds `maxItems`, or `maxWaitMs` after its first item (by default at the end of
 * the event-loop turn it arrived in), whichever comes first; at most one batch is written at a
 * time, and items that arrived while one was being written go in the next, flushed as soon as the
 * previous one finished. So an item that finds the batcher idle is written at once, and batches
 * grow by themselves under load, while a batch is being written. Each caller's promise settles with
 * its own item's result; when `run` fails, every caller of that batch is rejected (so none is
 * acknowledged) and the next batch is written as usual.
 *
 * One batch at a time keeps arrival order: an item submitted after another is written in the same
 * batch after it, or in a later batch.
 */
import { KefuError } from '../errors.ts';

/** Options of `createBatcher`. */
export interface BatcherOptions<Item, Result> {
  /** Writes a batch; resolves with one result per item, in the items' order. */
  run(items: readonly Item[]): Promise<readonly Result[]>;
  /** Largest batch; default 64. */
  maxItems?: number;
  /**
   * Longest wait of a batch's first item before the batch is flushed (ms); default 0: at the end
   * of the current event-loop turn (`setImmediate`), so items submitted in the same turn — the
   * messages of one webhook, requests read together — share a batch and none waits for a timer.
   */
  maxWaitMs?: number;
}

/** A group-commit batcher. */
export interface Batcher<Item, Result> {
  /** Add an item to the next batch; settles once its batch was written. */
  submit(item: Item): Promise<Result>;
  /** Flush what is pending and wait until every batch has been written. */
  drain(): Promise<void>;
}

/** `run` resolved with a different number of results than items: a bug, every caller rejected. */
export class BatchResultMismatchError extends KefuError {
  constructor(items: number, results: number) {
    super('batch_result_mismatch', `batch of ${items} items resolved with ${results} results`);
  }
}

interface Pending<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/** Create a group-commit batcher around `options.run`. */
export function createBatcher<Item, Result>(options: BatcherOptions<Item, Result>): Batcher<Item, Result> {
  const maxItems = Math.max(1, options.maxItems ?? 64);
  const maxWaitMs = Math.max(0, options.maxWaitMs ?? 0);
  let pending: Array<Pending<Item, Result>> = [];
  /** Cancels the scheduled flush of the pending batch, if one is scheduled. */
  let cancelScheduledFlush: (() => void) | undefined;
  let writing: Promise<void> | undefined;

  const write = async (batch: Array<Pending<Item, Result>>) => {
    try {
      const results = await options.run(batch.map((entry) => entry.item));
      if (results.length !== batch.length) throw new BatchResultMismatchError(batch.length, results.length);
      batch.forEach((entry, index) => entry.resolve(results[index]!));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  };

  const scheduleFlush = (): (() => void) => {
    if (maxWaitMs === 0) {
      const immediate = setImmediate(flush);
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(flush, maxWaitMs);
    return () => clearTimeout(timer);
  };

  const flush = () => {
    cancelScheduledFlush?.();
    cancelScheduledFlush = undefined;
    if (writing || pending.length === 0) return;
    const batch = pending.slice(0, maxItems);
    pending = pending.slice(batch.length);
    writing = write(batch).finally(() => {
      writing = undefined;
      // Whoever arrived meanwhile has waited one write already: go at once.
      flush();
    });
  };

  return {
    submit(item) {
      return new Promise<Result>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (writing) return;
        if (pending.length >= maxItems) flush();
        else cancelScheduledFlush ??= scheduleFlush();
      });
    },
    async drain() {
      flush();
      while (writing) await writing;
    },
  };
}
