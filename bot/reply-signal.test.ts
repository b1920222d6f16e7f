import { expect, test } from 'vitest';
import { ReplySignal } from './reply-signal.ts';

test('a hint that arrives after watch() but before next() is kept: next() resolves at once', async () => {
  const signal = new ReplySignal();
  const watch = signal.watch('inbound-1');
  // The waiter reads the database here (status still "received"); the worker finishes meanwhile.
  signal.notify('inbound-1');
  const started = performance.now();
  await watch.next(5_000);
  expect(performance.now() - started).toBeLessThan(500);
  watch.close();
});

test('next() waits for the next hint, and only for its own message; a consumed hint does not fire twice', async () => {
  const signal = new ReplySignal();
  const watch = signal.watch('inbound-2');
  signal.notify('inbound-2');
  await watch.next(5_000); // consumes the hint
  let woke = false;
  const waiting = watch.next(5_000).then(() => (woke = true));
  signal.notify('someone-else');
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(woke).toBe(false);
  signal.notify('inbound-2');
  await waiting;
  expect(woke).toBe(true);
  watch.close();
});

test('next() resolves after its timeout or on abort; close() stops listening', async () => {
  const signal = new ReplySignal();
  const watch = signal.watch('inbound-3');
  const started = performance.now();
  await watch.next(60);
  expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  const abort = new AbortController();
  const aborted = watch.next(60_000, abort.signal);
  abort.abort();
  await aborted;
  watch.close();
  signal.notify('inbound-3');
  const afterClose = performance.now();
  await watch.next(60);
  expect(performance.now() - afterClose).toBeGreaterThanOrEqual(50);
});
