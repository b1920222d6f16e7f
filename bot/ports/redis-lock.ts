/** `Lock` on Redis for production mode: a lease is a key holding a random token. */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Lock } from './lock.ts';
import { redisMilliseconds } from './redis-cache.ts';

// Compare-and-act scripts: only the holder of the token may release or extend the lease, and the
// check and the action happen atomically (see https://redis.io/docs/latest/develop/use/patterns/distributed-locks/).
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
const extendScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

export interface RedisLockOptions {
  /** A connected client. It belongs to the caller: `close()` does not quit it. */
  redis: Redis;
  /** Prepended verbatim to every key; default `kefu:lock:`. */
  prefix?: string;
}

/** A `Lock` whose leases live in Redis under `prefix`. */
export function createRedisLock(options: RedisLockOptions): Lock {
  const { redis } = options;
  const prefix = options.prefix ?? 'kefu:lock:';
  const full = (key: string) => prefix + key;

  return {
    async acquire(key, ttlMs) {
      const token = randomUUID();
      const reply = await redis.set(full(key), token, 'PX', redisMilliseconds(ttlMs), 'NX');
      return reply === 'OK' ? token : undefined;
    },
    async release(key, token) {
      return Number(await redis.eval(releaseScript, 1, full(key), token)) === 1;
    },
    async extend(key, token, ttlMs) {
      return Number(await redis.eval(extendScript, 1, full(key), token, redisMilliseconds(ttlMs))) === 1;
    },
    async close() {
      // The client is shared (cache, lock, rate limits); its owner quits it.
    },
  };
}
