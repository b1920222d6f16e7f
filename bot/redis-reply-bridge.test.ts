/**
 * Two processes' reply signals joined through Redis: a webhook waiting in one wakes as soon as
 * the other processed the message, not at its poll.
 */
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { redisAvailable, redisUrl } from '../test/support/services.ts';
import { createRedisReplyBridge } from './redis-reply-bridge.ts';
import { ReplySignal } from './reply-signal.ts';

describe.skipIf(!(await redisAvailable()))('ReplySignal across processes over Redis', () => {
  const connections: Redis[] = [];
  const stops: Array<() => Promise<void>> = [];
  const channel = `kefu-test-${randomUUID()}:reply-ready`;
  async function processSignal(): Promise<ReplySignal> {
    const redis = new Redis(redisUrl);
    connections.push(redis);
    const signal = new ReplySignal();
    stops.push(await signal.connect(createRedisReplyBridge({ redis, channel })));
    return signal;
  }
  afterAll(async () => {
    for (const stop of stops) await stop();
    for (const redis of connections) redis.disconnect();
  });

  test('a notify in the worker process wakes the waiter in the web process', async () => {
    const web = await processSignal();
    const worker = await processSignal();
    let woke = false;
    // A wait of one minute: only the hint can end it within the test's time.
    const waiting = web.wait('inbound-1', 60_000).then(() => (woke = true));
    worker.notify('inbound-1');
    await waiting;
    expect(woke).toBe(true);
  });

  test('a hint for another message wakes nobody else', async () => {
    const web = await processSignal();
    const worker = await processSignal();
    let woke = false;
    const abort = new AbortController();
    const waiting = web.wait('inbound-2', 60_000, abort.signal).then(() => (woke = true));
    worker.notify('inbound-3');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(woke).toBe(false);
    abort.abort();
    await waiting;
  });

  test('after stopping, hints no longer travel (waiters fall back to polling)', async () => {
    const redis = new Redis(redisUrl);
    connections.push(redis);
    const web = new ReplySignal();
    const stop = await web.connect(createRedisReplyBridge({ redis, channel }));
    await stop();
    const worker = await processSignal();
    let woke = false;
    const waiting = web.wait('inbound-4', 500).then(() => (woke = true));
    worker.notify('inbound-4');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(woke).toBe(false);
    await waiting;
  });
});
