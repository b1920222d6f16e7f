/**
 * Opens the database of the current runtime mode — PGlite files under `DATA_DIR` (embedded) or
 * PostgreSQL at `DATABASE_URL` (production) — behind one Drizzle type, and applies migrations.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { lockDataDir } from './data-dir-lock.ts';
import * as schema from './schema.ts';
import { PglitePreparedClient } from './pglite-prepared-client.ts';
import { attachSqlRunner, pgliteRunner, pgRunner } from './sql-runner.ts';

export type Schema = typeof schema;
/** One type for both drivers: repositories never know which one they run on. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  /** `pglite` (embedded) or `postgres`. */
  driver: 'pglite' | 'postgres';
  /** PGlite only: a snapshot of the data directory, usable as `template`. */
  dump?: () => Promise<Blob | File>;
  /** Round-trip check for `/readyz`. */
  ping(): Promise<void>;
  /** PGlite only: `VACUUM (ANALYZE)`, which PGlite has no autovacuum to do (`embedded-maintenance.ts`). */
  maintain?: () => Promise<void>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | {
      driver: 'pglite';
      dataDir?: string;
      /** Start from a dump (`PGlite.dumpDataDir`) instead of running initdb — much faster (tests). */
      template?: Blob | File;
    }
  | {
      driver: 'postgres';
      url: string;
      poolSize?: number;
      /**
       * Errors of idle pooled connections (PostgreSQL restarted, connection terminated). The pool
       * drops such a connection and opens a new one when needed; without a listener, Node would
       * crash the process. Default: one line on stderr.
       */
      onIdleError?: (error: Error) => void;
    };

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** `pg_advisory_lock` key held while migrating (the bytes of "kefu-mig"): one migrator at a time. */
const migrationLockKey = 0x6b6566752d6d6967n;

/**
 * Run `migrate` on one connection holding a session advisory lock, so processes starting together
 * on a fresh database (a web and a worker process, several replicas) migrate one after the other:
 * the first applies the migrations, the others wait and then find nothing to do, instead of racing
 * on `create table` and crashing.
 */
async function migrateExclusively(pool: import('pg').Pool, migrate: (client: import('pg').PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  let failed: unknown;
  try {
    await client.query('select pg_advisory_lock($1)', [migrationLockKey.toString()]);
    try {
      await migrate(client);
    } finally {
      await client.query('select pg_advisory_unlock($1)', [migrationLockKey.toString()]);
    }
  } catch (error) {
    failed = error;
    throw error;
  } finally {
    // A connection whose unlock failed may still hold the lock: close it rather than pool it.
    client.release(failed instanceof Error ? failed : undefined);
  }
}

/** Open the database and bring its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.driver === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    let unlock = () => {};
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      unlock = lockDataDir(`${options.dataDir.replace(/\/+$/, '')}.lock`);
    }
    let client: InstanceType<typeof PGlite>;
    try {
      client = new PGlite(options.dataDir, options.template ? { loadDataDir: options.template } : {});
      await client.waitReady;
    } catch (error) {
      unlock();
      throw error;
    }
    // Drizzle and the raw runner share one statement cache (statements inside a transaction,
    // such as each migration's, go through PGlite's own transaction and are not cached).
    const prepared = new PglitePreparedClient(client);
    const db = drizzle(prepared as unknown as typeof client, { schema });
    await migrate(db, { migrationsFolder });
    attachSqlRunner(db as unknown as Database, pgliteRunner(prepared));
    return {
      db: db as unknown as Database,
      driver: 'pglite',
      ping: async () => void (await client.query('select 1')),
      maintain: async () => void (await client.exec('vacuum (analyze)')),
      close: async () => {
        await client.close();
        unlock();
      },
      dump: () => client.dumpDataDir('none'),
    };
  }
  const pg = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool = new pg.default.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  pool.on('error', options.onIdleError ?? ((error) => process.stderr.write(`kefu: idle database connection lost: ${error.message}\n`)));
  const db = drizzle(pool, { schema });
  try {
    await migrateExclusively(pool, (client) => migrate(drizzle(client, { schema }), { migrationsFolder }));
  } catch (error) {
    await pool.end();
    throw error;
  }
  attachSqlRunner(db as unknown as Database, pgRunner(pool));
  return {
    db: db as unknown as Database,
    driver: 'postgres',
    ping: async () => void (await pool.query('select 1')),
    close: () => pool.end(),
  };
}
