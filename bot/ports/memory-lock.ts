/** In-process `Lock` for embedded mode: leases in a Map, expiring after their TTL. */
import { randomUUID } from 'node:crypto';
import type { Lock } from './lock.ts';

interface Lease {
  token: string;
  expiresAt: number;
}

export function createMemoryLock(options: { now?: () => number } = {}): Lock {
  const now = options.now ?? Date.now;
  const leases = new Map<string, Lease>();
  const held = (key: string, token: string): boolean => {
    const lease = leases.get(key);
    return lease !== undefined && lease.token === token && lease.expiresAt > now();
  };

  return {
    async acquire(key, ttlMs) {
      const lease = leases.get(key);
      if (lease && lease.expiresAt > now()) return undefined;
      const token = randomUUID();
      leases.set(key, { token, expiresAt: now() + ttlMs });
      return token;
    },
    async release(key, token) {
      if (!held(key, token)) return false;
      leases.delete(key);
      return true;
    },
    async extend(key, token, ttlMs) {
      if (!held(key, token)) return false;
      leases.set(key, { token, expiresAt: now() + ttlMs });
      return true;
    },
    async close() {
      leases.clear();
    },
  };
}
