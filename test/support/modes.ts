/**
 * The two runtime modes an end-to-end test runs in: embedded (PGlite + in-process queue, no
 * environment needed) and production (a fresh PostgreSQL database, Redis + BullMQ, a secret key).
 * Production mode is reported unavailable when PostgreSQL or Redis is absent — and then the suite
 * skips it — unless `REQUIRE_SERVICES=1`, which turns the absence into a failure.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { openDatabase, type DatabaseHandle } from '../../bot/storage/database.ts';
import { createPostgresTestDatabase, postgresAvailable, redisAvailable, redisUrl } from './services.ts';

export type RuntimeMode = 'embedded' | 'production';

/** Environment variables selecting a mode, and how to remove what was created for it. */
export interface ModeEnvironment {
  mode: RuntimeMode;
  env: Record<string, string>;
  dispose(): Promise<void>;
}

/** Every mode, with whether it can run here (throws under REQUIRE_SERVICES=1 when it cannot). */
export async function runtimeModes(): Promise<Array<{ mode: RuntimeMode; available: boolean }>> {
  const production = (await postgresAvailable()) && (await redisAvailable());
  return [
    { mode: 'embedded', available: true },
    { mode: 'production', available: production },
  ];
}

/** Create what `mode` needs: nothing for embedded; a database, a Redis database and a key for production. */
export async function createModeEnvironment(mode: RuntimeMode): Promise<ModeEnvironment> {
  if (mode === 'embedded') return { mode, env: {}, dispose: async () => undefined };
  const database = await createPostgresTestDatabase();
  const redis = await claimRedisDatabase();
  return {
    mode,
    env: { DATABASE_URL: database.url, REDIS_URL: redis.url, KEFU_SECRET_KEY: randomBytes(32).toString('hex') },
    dispose: async () => {
      await redis.release();
      await database.drop();
    },
  };
}

/** Open the database a Kefu with `env` and `dataDir` used, once that Kefu has stopped (PGlite is single-process). */
export function openModeDatabase(env: Record<string, string>, dataDir: string): Promise<DatabaseHandle> {
  return env.DATABASE_URL
    ? openDatabase({ driver: 'postgres', url: env.DATABASE_URL, poolSize: 2, onIdleError: () => undefined })
    : openDatabase({ driver: 'pglite', dataDir: join(dataDir, 'pglite') });
}

const claimKey = 'kefu-test:claim';

/**
 * A Redis logical database (1–15) of this test alone. Kefu has no key prefix setting: its BullMQ
 * queues (`kefu:process`), cache and locks are the same keys for every Kefu on one Redis, so two
 * Kefus running at once on database 0 take each other's jobs. A claim key set with NX makes the
 * choice safe against parallel test files; the database is flushed on claim and on release.
 */
async function claimRedisDatabase(): Promise<{ url: string; release(): Promise<void> }> {
  const owner = randomUUID();
  const start = 1 + Math.floor(Math.random() * 15);
  for (let offset = 0; offset < 15; offset += 1) {
    const index = 1 + ((start - 1 + offset) % 15);
    const url = new URL(redisUrl);
    url.pathname = `/${index}`;
    const redis = new Redis(url.toString(), { maxRetriesPerRequest: 1 });
    try {
      if ((await redis.set(claimKey, owner, 'EX', 1800, 'NX')) !== 'OK') continue;
      await redis.multi().flushdb().set(claimKey, owner, 'EX', 1800).exec();
      return {
        url: url.toString(),
        release: async () => {
          const cleaner = new Redis(url.toString(), { maxRetriesPerRequest: 1 });
          if ((await cleaner.get(claimKey)) === owner) await cleaner.flushdb();
          cleaner.disconnect();
        },
      };
    } finally {
      redis.disconnect();
    }
  }
  throw new Error('no free Redis database (1–15) to run a production-mode test in');
}
