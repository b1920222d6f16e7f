/** In-process `Cache` for embedded mode: a Map with lazy expiry. One process only. */
import type { Cache } from './cache.ts';

interface Item {
  value: string;
  expiresAt: number;
}

export function createMemoryCache(options: { now?: () => number } = {}): Cache {
  const now = options.now ?? Date.now;
  const items = new Map<string, Item>();
  const live = (key: string): Item | undefined => {
    const item = items.get(key);
    if (item && item.expiresAt <= now()) {
      items.delete(key);
      return undefined;
    }
    return item;
  };
  const expiry = (ttlMs?: number) => (ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + ttlMs);
  // Sweep expired keys now and then so dedup markers do not accumulate forever.
  const sweeper = setInterval(() => {
    const time = now();
    for (const [key, item] of items) if (item.expiresAt <= time) items.delete(key);
  }, 60_000);
  sweeper.unref();

  return {
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, ttlMs) {
      items.set(key, { value, expiresAt: expiry(ttlMs) });
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key)) return false;
      items.set(key, { value, expiresAt: expiry(ttlMs) });
      return true;
    },
    async delete(key) {
      items.delete(key);
    },
    async increment(key, ttlMs) {
      const item = live(key);
      const next = (item ? Number(item.value) : 0) + 1;
      items.set(key, { value: String(next), expiresAt: item?.expiresAt ?? expiry(ttlMs) });
      return next;
    },
    async close() {
      clearInterval(sweeper);
      items.clear();
    },
  };
}
