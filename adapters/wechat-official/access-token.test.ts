import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelSendError } from '../../bot/errors.ts';
import { createMemoryCache } from '../../bot/ports/memory-cache.ts';
import { createMemoryLock } from '../../bot/ports/memory-lock.ts';
import { accessTokenCacheKey, accessTokenLockKey, createAccessTokenProvider } from './access-token.ts';
import type { FetchFunction } from './api-client.ts';
import { createWechatOfficialSandbox } from './sandbox.ts';

const appId = 'wxtokentest000001';
const appSecret = 'token-test-secret';
const sandbox = createWechatOfficialSandbox({ appId, appSecret, token: 't' });
let apiBaseUrl = '';
const fetchFunction: FetchFunction = (input, init) => fetch(input, init);

beforeAll(async () => {
  ({ apiBaseUrl } = await sandbox.listen());
});
afterAll(() => sandbox.close());

function provider(overrides: { cache?: ReturnType<typeof createMemoryCache>; lock?: ReturnType<typeof createMemoryLock>; appSecret?: string } = {}) {
  return createAccessTokenProvider({
    appId,
    appSecret: overrides.appSecret ?? appSecret,
    apiBaseUrl,
    cache: overrides.cache ?? createMemoryCache(),
    lock: overrides.lock ?? createMemoryLock(),
    fetch: fetchFunction,
    pollIntervalMs: 5,
    refreshTimeoutMs: 2000,
  });
}

describe('access_token provider', () => {
  it('reuses a token it read for memoryMs instead of asking the cache per call; an invalidated one is dropped', async () => {
    const cache = createMemoryCache();
    await cache.set(accessTokenCacheKey(appId), 'shared-token');
    let reads = 0;
    const counting = { ...cache, get: (key: string) => ((reads += 1), cache.get(key)) };
    let clock = 1_000_000;
    const tokens = createAccessTokenProvider({ appId, appSecret, apiBaseUrl, cache: counting, lock: createMemoryLock(), fetch: fetchFunction, memoryMs: 30_000, now: () => clock });
    expect(await tokens.get()).toBe('shared-token');
    expect(await tokens.get()).toBe('shared-token');
    expect(reads).toBe(1);
    // Another process replaced it: used from memory until WeChat rejects it, then re-read.
    await cache.set(accessTokenCacheKey(appId), 'newer-token');
    expect(await tokens.get()).toBe('shared-token');
    await tokens.invalidate('shared-token');
    expect(await tokens.get()).toBe('newer-token');
    // And re-read once the memory lapses.
    await cache.set(accessTokenCacheKey(appId), 'newest-token');
    clock += 30_001;
    expect(await tokens.get()).toBe('newest-token');
  });

  it('fetches once for concurrent callers in one process and then serves the cache', async () => {
    const before = sandbox.stats().tokenRequests;
    const tokens = provider();
    const [first, second] = await Promise.all([tokens.get(), tokens.get()]);
    expect(first).toBe(second);
    expect(await tokens.get()).toBe(first);
    expect(sandbox.stats().tokenRequests - before).toBe(1);
  });

  it('fetches once across "processes" sharing the cache and lock', async () => {
    const before = sandbox.stats().tokenRequests;
    const cache = createMemoryCache();
    const lock = createMemoryLock();
    const results = await Promise.all([provider({ cache, lock }).get(), provider({ cache, lock }).get(), provider({ cache, lock }).get()]);
    expect(new Set(results).size).toBe(1);
    expect(sandbox.stats().tokenRequests - before).toBe(1);
  });

  it('waits for the lease holder instead of fetching', async () => {
    const cache = createMemoryCache();
    const lock = createMemoryLock();
    const lease = await lock.acquire(accessTokenLockKey(appId), 10_000);
    const before = sandbox.stats().tokenRequests;
    const waiting = provider({ cache, lock }).get();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await cache.set(accessTokenCacheKey(appId), 'stored-by-another-process');
    await expect(waiting).resolves.toBe('stored-by-another-process');
    expect(sandbox.stats().tokenRequests).toBe(before);
    await lock.release(accessTokenLockKey(appId), lease!);
  });

  it('caches for expires_in minus the safety margin', async () => {
    let now = 0;
    const cache = createMemoryCache({ now: () => now });
    const tokens = provider({ cache });
    const token = await tokens.get();
    now = (7200 - 300) * 1000 - 1;
    expect(await cache.get(accessTokenCacheKey(appId))).toBe(token);
    now += 2;
    expect(await cache.get(accessTokenCacheKey(appId))).toBeUndefined();
  });

  it('invalidates only the stale token', async () => {
    const cache = createMemoryCache();
    const tokens = provider({ cache });
    const token = await tokens.get();
    await tokens.invalidate('some-older-token');
    expect(await cache.get(accessTokenCacheKey(appId))).toBe(token);
    await tokens.invalidate(token);
    expect(await cache.get(accessTokenCacheKey(appId))).toBeUndefined();
  });

  it('reports a wrong secret as a non-retryable error that does not leak the secret', async () => {
    const error = await provider({ appSecret: 'wrong-secret' }).get().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect(error).toMatchObject({ code: 'access_token_failed', retryable: false, platformCode: '40001' });
    expect(String((error as Error).message)).not.toContain('wrong-secret');
  });

  it('treats "system busy" and transport failures as retryable', async () => {
    const busy: FetchFunction = async () => Response.json({ errcode: -1, errmsg: 'system error' });
    const down: FetchFunction = async () => new Response('bad gateway', { status: 502 });
    for (const fake of [busy, down]) {
      const tokens = createAccessTokenProvider({ appId, appSecret, apiBaseUrl, cache: createMemoryCache(), lock: createMemoryLock(), fetch: fake });
      await expect(tokens.get()).rejects.toMatchObject({ retryable: true });
    }
  });
});
