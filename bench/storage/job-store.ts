/**
 * CPU per job of the embedded queue's statements (`bot/ports/database-job-store.ts`) on a migrated
 * PGlite database (through the statement cache, as in Kefu):
 *
 * 1. insert one job, claim it, complete it — what every processed message costs the embedded
 *    queue. Process CPU per job, 1,000 jobs per round, median of 5 rounds. Run it at two commits
 *    to compare.
 * 2. inserting one job: the store's prepared statement against the same INSERT built by Drizzle
 *    on every call (what the store did before, and still does for batches), interleaved in this
 *    process — 500 inserts per turn, 14 turns each after 2 of warm-up, medians.
 *
 * Usage: npx tsx bench/storage/job-store.ts
 */
import { sql } from 'drizzle-orm';
import { createJobStore } from '../../bot/ports/database-job-store.ts';
import { openDatabase } from '../../bot/storage/database.ts';
import { jobs } from '../../bot/storage/schema.ts';

const database = await openDatabase({ driver: 'pglite' });
const { db } = database;
const store = createJobStore(db, 'bench');
const median = (samples: readonly number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
const cpuMs = (before: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

const samples: number[] = [];
for (let round = 0; round < 5; round += 1) {
  const count = 1000;
  const before = process.cpuUsage();
  for (let i = 0; i < count; i += 1) {
    await store.insert([{ queue: 'bench', name: 'n', jobKey: `${round}-${i}`, data: { i }, maxAttempts: 3, backoffMs: 1000, delayMs: 0 }]);
    const [row] = await store.claim(30_000, 4);
    await store.complete(row!);
  }
  samples.push(cpuMs(before) / count);
}
process.stdout.write(`ms CPU per job (insert + claim + complete): median ${median(samples).toFixed(3)} (rounds: ${samples.map((x) => x.toFixed(3)).join(', ')})\n`);

// The batch path's INSERT for one row, built on every call: the baseline of the prepared insert.
const builtInsert = (jobKey: string) =>
  db
    .insert(jobs)
    .values({ queue: 'bench', name: 'n', jobKey, data: { jobKey }, status: 'waiting', maxAttempts: 3, backoffMs: 1000, runAt: sql`now() + ${0}::double precision * interval '1 millisecond'` })
    .onConflictDoNothing({ target: [jobs.queue, jobs.jobKey], where: sql`status in ('waiting', 'active')` });
const preparedInsert = (jobKey: string) => store.insert([{ queue: 'bench', name: 'n', jobKey, data: { jobKey }, maxAttempts: 3, backoffMs: 1000, delayMs: 0 }]);
const variants = { built: builtInsert, prepared: preparedInsert } as const;
const perInsert: Record<keyof typeof variants, number[]> = { built: [], prepared: [] };
let key = 0;
for (let turn = 0; turn < 16; turn += 1) {
  const order = (turn % 2 === 0 ? ['built', 'prepared'] : ['prepared', 'built']) as (keyof typeof variants)[];
  for (const variant of order) {
    const count = 500;
    const before = process.cpuUsage();
    for (let i = 0; i < count; i += 1) await variants[variant](`i${key++}`);
    if (turn >= 2) perInsert[variant].push(cpuMs(before) / count);
    await db.execute(sql`delete from jobs`);
  }
}
process.stdout.write(
  `ms CPU per insert of one job: built by Drizzle ${median(perInsert.built).toFixed(3)}, prepared ${median(perInsert.prepared).toFixed(3)} (medians of ${perInsert.built.length} interleaved turns)\n`,
);
await database.close();
