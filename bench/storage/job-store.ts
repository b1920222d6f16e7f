/**
 * CPU per job of the embedded queue's statements (`bot/ports/database-job-store.ts`): insert one
 * job, claim it, complete it — what every processed message costs the embedded queue — on a
 * migrated PGlite database (through the statement cache, as in Kefu). Process CPU per job,
 * 1,000 jobs per round, median of 5 rounds. Run it at two commits to compare.
 *
 * Usage: npx tsx bench/storage/job-store.ts
 */
import { createJobStore } from '../../bot/ports/database-job-store.ts';
import { openDatabase } from '../../bot/storage/database.ts';

const database = await openDatabase({ driver: 'pglite' });
const store = createJobStore(database.db, 'bench');
const samples: number[] = [];
for (let round = 0; round < 5; round += 1) {
  const jobs = 1000;
  const before = process.cpuUsage();
  for (let i = 0; i < jobs; i += 1) {
    await store.insert([{ queue: 'bench', name: 'n', jobKey: `${round}-${i}`, data: { i }, maxAttempts: 3, backoffMs: 1000, delayMs: 0 }]);
    const [row] = await store.claim(30_000, 4);
    await store.complete(row!);
  }
  const used = process.cpuUsage(before);
  samples.push((used.user + used.system) / jobs / 1000);
}
const sorted = [...samples].sort((a, b) => a - b);
process.stdout.write(`ms CPU per job (insert + claim + complete): median ${sorted[2]!.toFixed(3)} (rounds: ${samples.map((x) => x.toFixed(3)).join(', ')})\n`);
await database.close();
