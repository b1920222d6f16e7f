/**
 * The cache port: short-lived keys shared by every process — dedup markers, access tokens,
 * rate-limit counters. Two implementations: `memory-cache.ts` (embedded) and `redis-cache.ts`.
 * Both pass `cache.contract.ts`.
 */
export interface Cache {
  /** The value, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Store a value; `ttlMs` omitted = no expiry. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Store only when absent; true when this call stored it (an atomic "first one wins"). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * Add 1 to a counter and return the new value; the counter expires `ttlMs` after its first
   * increment (a fixed window, for rate limits).
   */
  increment(key: string, ttlMs: number): Promise<number>;
  close(): Promise<void>;
}
