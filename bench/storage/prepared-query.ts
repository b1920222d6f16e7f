/**
 * CPU per query of a small Drizzle select built on every call against the same query prepared once
 * (`bot/storage/prepared-query.ts`), and of the raw round trip, on PostgreSQL (a fresh database) —
 * the figures behind DECISIONS #16. Client CPU (process.cpuUsage), medians of 5 interleaved rounds.
 *
 * Usage: npx tsx bench/storage/prepared-query.ts [--queries 3000] [--postgres-url URL]
 */
import { parseArgs } from 'node:util';
import { and, asc, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase } from '../../bot/storage/database.ts';
import { messages } from '../../bot/storage/schema.ts';

const { values } = parseArgs({
  options: {
    queries: { type: 'string', default: '3000' },
    'postgres-url': { type: 'string', default: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const queries = Number(values.queries);
const name = `kefu_bench_prepared_${process.pid}`;
const admin = new pg.Client(values['postgres-url']);
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(values['postgres-url']!);
url.pathname = `/${name}`;
const handle = await openDatabase({ driver: 'postgres', url: url.toString(), poolSize: 2, onIdleError: () => undefined });
const db = handle.db;
const conversationId = '00000000-0000-0000-0000-000000000000';
const where = (id: unknown) =>
  and(eq(messages.conversationId, id as string), eq(messages.direction, 'inbound'), eq(messages.processingStatus, 'received'));
const prepared = db.select().from(messages).where(where(sql.placeholder('id'))).orderBy(asc(messages.sequence)).prepare('kefu_bench_pending');
const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
const variants: Record<string, () => Promise<unknown>> = {
  'built each call': () => db.select().from(messages).where(where(conversationId)).orderBy(asc(messages.sequence)),
  'prepared once': () => prepared.execute({ id: conversationId }),
  'raw pg, named statement': () => pool.query({ name: 'kefu_bench_raw', text: 'select * from messages where conversation_id = $1 and direction = $2 and processing_status = $3 order by sequence', values: [conversationId, 'inbound', 'received'] }),
};
const samples = new Map<string, number[]>(Object.keys(variants).map((key) => [key, []]));
for (let round = 0; round < 5; round += 1) {
  for (const [label, run] of Object.entries(variants)) {
    for (let i = 0; i < 200; i += 1) await run();
    const before = process.cpuUsage();
    for (let i = 0; i < queries; i += 1) await run();
    const used = process.cpuUsage(before);
    samples.get(label)!.push((used.user + used.system) / queries);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [label, xs] of samples) process.stdout.write(`${label.padEnd(26)} ${median(xs).toFixed(0)} µs CPU per query (rounds: ${xs.map((x) => x.toFixed(0)).join(', ')})\n`);
await pool.end();
await handle.close();
await admin.query(`drop database ${name} with (force)`);
await admin.end();
