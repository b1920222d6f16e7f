/**
 * Embedded housekeeping: PGlite has no autovacuum, so Kefu vacuums and analyses it on a timer —
 * the statistics become the table's real ones, runs never overlap, and a failed run is logged,
 * not thrown.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { describe, expect, onTestFinished, test, vi } from 'vitest';
import { createTestDatabase, postgresAvailable } from '../../test/support/services.ts';
import { scheduleEmbeddedMaintenance } from './embedded-maintenance.ts';

const withPostgres = await postgresAvailable();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('embedded database maintenance', () => {
  test('maintain() vacuums and analyses PGlite: the planner sees the rows that are left', async () => {
    const database = await createTestDatabase('pglite');
    onTestFinished(() => database.close());
    await database.db.execute(sql`insert into jobs (queue, name, job_key, data, status, attempt, max_attempts, backoff_ms)
      select 'q', 'n', g::text, '{}'::jsonb, 'waiting', 0, 3, 1000 from generate_series(1, 300) g`);
    await database.db.execute(sql`delete from jobs where job_key::int <= 100`);
    const reltuples = async () =>
      Number(((await database.db.execute(sql`select reltuples from pg_class where relname = 'jobs'`)) as unknown as { rows: Array<{ reltuples: number }> }).rows[0]!.reltuples);
    expect(await reltuples()).not.toBe(200);
    await database.maintain!();
    expect(await reltuples()).toBe(200);
  });

  test.runIf(withPostgres)('PostgreSQL needs none (autovacuum does it): its handle has no maintain()', async () => {
    const database = await createTestDatabase('postgres');
    onTestFinished(() => database.close());
    expect(database.maintain).toBeUndefined();
  });

  test('runs on its interval, one run at a time, logs a failure and goes on; stops when told', async () => {
    let running = 0;
    let overlapped = false;
    let runs = 0;
    const maintain = async () => {
      runs += 1;
      running += 1;
      if (running > 1) overlapped = true;
      await sleep(35);
      running -= 1;
      if (runs === 2) throw new Error('disk full');
    };
    const log = { info: vi.fn(), error: vi.fn() } as unknown as Logger;
    const stop = scheduleEmbeddedMaintenance({ maintain, log, intervalMs: 10 });
    await expect.poll(() => runs, { timeout: 2_000 }).toBeGreaterThanOrEqual(3);
    stop();
    const stoppedAt = runs;
    await sleep(80);
    expect(runs).toBeLessThanOrEqual(stoppedAt + 1);
    expect(overlapped).toBe(false);
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'embedded database maintenance failed');
    expect(log.info).toHaveBeenCalledWith(expect.objectContaining({ ms: expect.any(Number) }), 'embedded database vacuumed and analysed');
  });
});
