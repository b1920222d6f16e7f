/**
 * The Official Account access_token (PLATFORMS.md §2.6): fetched from `/cgi-bin/token`, shared by all
 * processes through the Cache port until shortly before it expires. Refreshes are single-flight: one
 * promise per process, and across processes one lease holder fetches while the others wait for the
 * cache — every fetch invalidates the previous token, so concurrent fetches would fight each other.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelSendError } from '../../bot/errors.ts';
import type { Cache } from '../../bot/ports/cache.ts';
import type { Lock } from '../../bot/ports/lock.ts';
import { callWechatApi, type FetchFunction } from './api-client.ts';

/** Gives out the current access_token. */
export interface AccessTokenProvider {
  /** The cached token, or a freshly fetched one. Throws `ChannelSendError`. */
  get(): Promise<string>;
  /**
   * Forget the cached token after WeChat rejected it. With `staleToken`, only when the cache still
   * holds that one (another process may already have stored a newer token).
   */
  invalidate(staleToken?: string): Promise<void>;
}

/** Options of `createAccessTokenProvider`. */
export interface AccessTokenOptions {
  appId: string;
  appSecret: string;
  apiBaseUrl: string;
  cache: Cache;
  lock: Lock;
  fetch: FetchFunction;
  /** Stop using a token this long before WeChat's expiry; default 300 s. */
  safetyMarginSeconds?: number;
  /** Lease length of the refresh lock, and how long others wait for it; default 15 s. */
  refreshTimeoutMs?: number;
  /** How often a waiting process re-reads the cache; default 50 ms. */
  pollIntervalMs?: number;
  /**
   * How long this process reuses a token it read or fetched before asking the cache again (a
   * round trip per API send otherwise); default 30 s. A token another process replaced meanwhile
   * is rejected by WeChat (40001), invalidated here, and the send retried once with the cache's.
   */
  memoryMs?: number;
  now?: () => number;
}

/** The Cache key holding an AppID's access_token. */
export function accessTokenCacheKey(appId: string): string {
  return `wechat-official:${appId}:access-token`;
}

/** The Lock key held while an AppID's access_token is being refreshed. */
export function accessTokenLockKey(appId: string): string {
  return `wechat-official:${appId}:access-token-refresh`;
}

/** Create the access_token provider of one AppID. */
export function createAccessTokenProvider(options: AccessTokenOptions): AccessTokenProvider {
  const cacheKey = accessTokenCacheKey(options.appId);
  const lockKey = accessTokenLockKey(options.appId);
  const refreshTimeoutMs = options.refreshTimeoutMs ?? 15_000;
  const pollIntervalMs = options.pollIntervalMs ?? 50;
  const safetyMarginSeconds = options.safetyMarginSeconds ?? 300;
  const memoryMs = options.memoryMs ?? 30_000;
  const now = options.now ?? Date.now;
  let inFlight: Promise<string> | undefined;
  let remembered: { token: string; until: number } | undefined;
  const remember = (token: string, lifetimeMs = memoryMs) => {
    remembered = { token, until: now() + Math.min(memoryMs, lifetimeMs) };
    return token;
  };

  async function fetchAndStore(): Promise<string> {
    const query = new URLSearchParams({
      grant_type: 'client_credential',
      appid: options.appId,
      secret: options.appSecret,
    });
    const answer = await callWechatApi(options.fetch, `${options.apiBaseUrl}/cgi-bin/token?${query}`, { method: 'GET' }, {
      what: 'WeChat access_token',
      timeoutMs: refreshTimeoutMs,
    });
    const token = answer.body.access_token;
    if (answer.errcode !== 0 || typeof token !== 'string' || token === '') {
      throw new ChannelSendError(`WeChat access_token: errcode ${answer.errcode} ${answer.errmsg}`, {
        // -1 is "system busy"; anything else (bad secret 40001, bad appid 40013, IP 40164) needs a human.
        retryable: answer.errcode === -1,
        platformCode: String(answer.errcode),
        code: 'access_token_failed',
      });
    }
    const expiresIn = typeof answer.body.expires_in === 'number' && answer.body.expires_in > 0 ? answer.body.expires_in : 7200;
    const lifetimeSeconds = Math.max(expiresIn - safetyMarginSeconds, expiresIn / 2);
    await options.cache.set(cacheKey, token, Math.floor(lifetimeSeconds * 1000));
    return remember(token, lifetimeSeconds * 1000);
  }

  async function refresh(): Promise<string> {
    const deadline = Date.now() + refreshTimeoutMs;
    for (;;) {
      const lease = await options.lock.acquire(lockKey, refreshTimeoutMs);
      if (lease !== undefined) {
        try {
          return (await options.cache.get(cacheKey)) ?? (await fetchAndStore());
        } finally {
          await options.lock.release(lockKey, lease).catch(() => false);
        }
      }
      await sleep(pollIntervalMs);
      const cached = await options.cache.get(cacheKey);
      if (cached !== undefined) return cached;
      if (Date.now() > deadline) {
        throw new ChannelSendError('WeChat access_token: timed out waiting for another process to refresh it', {
          retryable: true,
          code: 'access_token_failed',
        });
      }
    }
  }

  return {
    async get() {
      if (remembered && now() < remembered.until) return remembered.token;
      const cached = await options.cache.get(cacheKey);
      if (cached !== undefined) return remember(cached);
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    async invalidate(staleToken) {
      if (staleToken === undefined || remembered?.token === staleToken) remembered = undefined;
      if (staleToken !== undefined && (await options.cache.get(cacheKey)) !== staleToken) return;
      await options.cache.delete(cacheKey);
    },
  };
}
