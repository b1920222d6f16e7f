/**
 * The lock port: a mutual-exclusion lease across processes, used to process one conversation at a
 * time and to single-flight token refreshes. A lease expires after `ttlMs` so a crashed holder
 * cannot block others forever. Implementations: `memory-lock.ts`, `redis-lock.ts`; both pass
 * `lock.contract.ts`.
 */
export interface Lock {
  /** Try once; the lease token when acquired, undefined when someone else holds the key. */
  acquire(key: string, ttlMs: number): Promise<string | undefined>;
  /** Release only if `token` still holds the key; true when released. */
  release(key: string, token: string): Promise<boolean>;
  /** Extend a lease still held by `token`; false when it was lost. */
  extend(key: string, token: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}
