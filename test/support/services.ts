/**
 * Test access to the real PostgreSQL and Redis. Tests that need them call `requirePostgres()` /
 * `requireRedis()`: without the service they are skipped, unless `REQUIRE_SERVICES=1` (CI), in
 * which case they fail loudly instead of silently skipping.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { openDatabase, type DatabaseHandle } from '../../bot/storage/database.ts';

export const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const required = process.env.REQUIRE_SERVICES === '1';

async function reachable(check: () => Promise<void>, name: string): Promise<boolean> {
  try {
    await check();
    return true;
  } catch (error) {
    if (required) throw new Error(`${name} is required (REQUIRE_SERVICES=1) but not reachable`, { cause: error });
    return false;
  }
}

/** True when PostgreSQL answers; throws under REQUIRE_SERVICES=1 when it does not. */
export async function postgresAvailable(): Promise<boolean> {
  return reachable(async () => {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  }, 'PostgreSQL');
}

/** True when Redis answers; throws under REQUIRE_SERVICES=1 when it does not. */
export async function redisAvailable(): Promise<boolean> {
  return reachable(async () => {
    const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
    await redis.connect();
    await redis.ping();
    redis.disconnect();
  }, 'Redis');
}

let pgliteTemplate: Promise<Blob | File> | undefined;

/**
 * A migrated empty PGlite, dumped once per test process: restoring the dump takes ~2 s where
 * initdb + migrations take ~10 s on a busy 2-core machine.
 */
function migratedPgliteTemplate(): Promise<Blob | File> {
  pgliteTemplate ??= (async () => {
    const handle = await openDatabase({ driver: 'pglite' });
    const dump = await handle.dump!();
    await handle.close();
    return dump;
  })();
  return pgliteTemplate;
}

/** A fresh, empty PostgreSQL database on the test server: its URL, and how to drop it. */
export async function createPostgresTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `kefu_test_${randomUUID().replaceAll('-', '')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(statement);
    await client.end();
  };
  await run(`create database ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

/** A migrated, empty database of the given driver; PostgreSQL gets a fresh database per call. */
export async function createTestDatabase(driver: 'pglite' | 'postgres'): Promise<DatabaseHandle> {
  if (driver === 'pglite') return openDatabase({ driver: 'pglite', template: await migratedPgliteTemplate() });
  const database = await createPostgresTestDatabase();
  // Dropping the database terminates idle connections: expected here, not an error.
  const handle = await openDatabase({ driver: 'postgres', url: database.url, poolSize: 5, onIdleError: () => undefined });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await database.drop();
    },
  };
}

/** The drivers a storage test runs against: always PGlite, PostgreSQL when reachable. */
export async function testDrivers(): Promise<Array<'pglite' | 'postgres'>> {
  return (await postgresAvailable()) ? ['pglite', 'postgres'] : ['pglite'];
}
