/**
 * Opening the production database: processes that start together on a fresh PostgreSQL database
 * (a web and a worker process, replicas) must all come up, with the schema migrated once.
 */
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { createPostgresTestDatabase, postgresAvailable } from '../../test/support/services.ts';
import { openDatabase } from './database.ts';

describe.runIf(await postgresAvailable())('openDatabase on PostgreSQL', () => {
  test('several processes starting at once on a fresh database all open it; migrations run once', async () => {
    const database = await createPostgresTestDatabase();
    try {
      const opened = await Promise.allSettled(
        Array.from({ length: 4 }, () => openDatabase({ driver: 'postgres', url: database.url, poolSize: 2, onIdleError: () => undefined })),
      );
      const failures = opened.filter((result) => result.status === 'rejected');
      expect(failures.map((failure) => String((failure as PromiseRejectedResult).reason))).toEqual([]);
      for (const result of opened) if (result.status === 'fulfilled') await result.value.close();

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const applied = await client.query('select hash from drizzle.__drizzle_migrations');
      const distinct = new Set(applied.rows.map((row: { hash: string }) => row.hash));
      expect(applied.rowCount).toBe(distinct.size);
      expect(distinct.size).toBeGreaterThan(0);
      await client.end();
    } finally {
      await database.drop();
    }
  });
});
