/** `Cache` on Redis for production mode: shared by every process. */
import type { Redis } from 'ioredis';
import type { Cache } from './cache.ts';

/** INCR, and start the window on the first increment, in one atomic step. */
const incrementScript = `
local value = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return value`;

export interface RedisCacheOptions {
  /** A connected client. It belongs to the caller: `close()` does not quit it. */
  redis: Redis;
  /** Prepended verbatim to every key; default `kefu:cache:`. */
  prefix?: string;
}

/** Redis rejects `PX 0` and fractions; the smallest lease it accepts is one millisecond. */
export function redisMilliseconds(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}

/** A `Cache` whose keys live in Redis under `prefix`. */
export function createRedisCache(options: RedisCacheOptions): Cache {
  const { redis } = options;
  const prefix = options.prefix ?? 'kefu:cache:';
  const full = (key: string) => prefix + key;

  return {
    async get(key) {
      return (await redis.get(full(key))) ?? undefined;
    },
    async set(key, value, ttlMs) {
      if (ttlMs === undefined) await redis.set(full(key), value);
      else await redis.set(full(key), value, 'PX', redisMilliseconds(ttlMs));
    },
    async setIfAbsent(key, value, ttlMs) {
      const reply = await redis.set(full(key), value, 'PX', redisMilliseconds(ttlMs), 'NX');
      return reply === 'OK';
    },
    async delete(key) {
      await redis.del(full(key));
    },
    async increment(key, ttlMs) {
      return Number(await redis.eval(incrementScript, 1, full(key), redisMilliseconds(ttlMs)));
    },
    async close() {
      // The client is shared (cache, lock, rate limits); its owner quits it.
    },
  };
}
