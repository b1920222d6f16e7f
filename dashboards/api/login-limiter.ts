/**
 * Login rate limiting per username — at most `maxFailures` failed password checks per fixed
 * window — and per client address: at most `maxAttemptsPerAddress` attempts per window, whatever
 * the usernames, so one client cannot try one common password on every account (password spraying
 * slips under any per-username limit).
 *
 * The counter is incremented *before* the password is checked, atomically, so a burst of parallel
 * guesses cannot all slip in while the first ones are still hashing; a successful login deletes
 * the counter again, so only failures accumulate. Unknown usernames are counted the same way as
 * known ones, so the limiter does not reveal which usernames exist.
 */
import { createHash } from 'node:crypto';
import type { Cache } from '../../bot/ports/cache.ts';
import { createMemoryCache } from '../../bot/ports/memory-cache.ts';
import { normalizeUsername } from './operator-repository.ts';

/**
 * The part of the `Cache` port the limiter needs; a Redis cache fits as is. Without `delete`,
 * successful logins are counted too (the limit then applies to all attempts).
 */
export interface LoginAttemptStore {
  increment(key: string, ttlMs: number): Promise<number>;
  delete?(key: string): Promise<void>;
}

/** Tracks password attempts per username. */
export interface LoginLimiter {
  /**
   * Count one attempt; false when the username or the client address is locked out and the
   * password must not be checked.
   */
  reserve(username: string, clientAddress?: string): Promise<boolean>;
  /** The password was right: forget the username's failures. */
  succeeded(username: string): Promise<void>;
  /** How long a locked-out client should wait at most, in seconds (for `Retry-After`). */
  readonly retryAfterSeconds: number;
}

/** Options of `createLoginLimiter`. */
export interface LoginLimiterOptions {
  /** Defaults to an in-process cache (embedded mode; one process only). */
  store?: LoginAttemptStore | Pick<Cache, 'increment' | 'delete'>;
  /** Failures allowed per window: 10. */
  maxFailures?: number;
  /** Attempts allowed per client address and window, successes included: 100. */
  maxAttemptsPerAddress?: number;
  /** Window length: 15 minutes. */
  windowMs?: number;
}

/** A per-username and per-address login limiter over a cache's atomic counters. */
export function createLoginLimiter(options: LoginLimiterOptions = {}): LoginLimiter {
  const store: LoginAttemptStore = options.store ?? createMemoryCache();
  const maxFailures = options.maxFailures ?? 10;
  const maxAttemptsPerAddress = options.maxAttemptsPerAddress ?? 100;
  const windowMs = options.windowMs ?? 15 * 60 * 1000;
  // Hash client input so it never becomes a raw cache key.
  const hash = (value: string) => createHash('sha256').update(value).digest('hex');
  const keyOf = (username: string) => `dashboard:login-failures:${hash(normalizeUsername(username))}`;
  return {
    retryAfterSeconds: Math.ceil(windowMs / 1000),
    async reserve(username, clientAddress) {
      // Both counters advance on every attempt, so a locked-out client keeps paying for its tries.
      const addressAttempts = clientAddress ? await store.increment(`dashboard:login-address:${hash(clientAddress)}`, windowMs) : 0;
      const failures = await store.increment(keyOf(username), windowMs);
      return failures <= maxFailures && addressAttempts <= maxAttemptsPerAddress;
    },
    async succeeded(username) {
      await store.delete?.(keyOf(username));
    },
  };
}
