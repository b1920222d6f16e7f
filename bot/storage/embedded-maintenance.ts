/**
 * Housekeeping that PostgreSQL's autovacuum does on a server and PGlite does not: PGlite runs
 * PostgreSQL in single-user mode, with no background workers, so nothing vacuums or analyses the
 * embedded database. Without it, every job (inserted, claimed, deleted) and every message status
 * change leaves a dead row behind for good, and the planner's statistics stay those of the first
 * day — which also matters to the statement cache (`pglite-prepared-client.ts`): a cached generic
 * plan is planned again only when its tables' statistics change. So embedded Kefu runs
 * `VACUUM (ANALYZE)` every `intervalMs` (15 minutes). It holds PGlite's one connection while it
 * runs: ≈ 0.3–0.4 s on a database of 50,000 contacts just rewritten (ANALYZE samples at most
 * 30,000 rows a table; VACUUM visits only pages changed since the last run). Each run's duration
 * is in its log line.
 */
import type { Logger } from 'pino';

export interface EmbeddedMaintenanceOptions {
  /** `DatabaseHandle.maintain` of the embedded database. */
  maintain: () => Promise<void>;
  log: Logger;
  /** Between runs (ms, default 15 minutes). */
  intervalMs?: number;
}

/** Run `maintain` every `intervalMs`, one run at a time; returns a function that stops it. */
export function scheduleEmbeddedMaintenance(options: EmbeddedMaintenanceOptions): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    const started = performance.now();
    options
      .maintain()
      .then(() => options.log.info({ ms: Math.round(performance.now() - started) }, 'embedded database vacuumed and analysed'))
      .catch((error: unknown) => options.log.error({ err: error }, 'embedded database maintenance failed'))
      .finally(() => {
        running = false;
      });
  }, options.intervalMs ?? 15 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
