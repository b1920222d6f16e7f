/**
 * CPU per statement on the embedded database: `PGlite.query` (parse, plan and six protocol calls
 * every time) against the statement cache (`bot/storage/pglite-prepared-client.ts`: prepared once,
 * then Bind + Execute + Sync in one call) — the figures behind DECISIONS #19. Three statements of
 * the webhook's path on a migrated Kefu database: a one-parameter select, ingress's store CTE
 * (contact, conversation and message; a new follower for the first 500 calls, then returning
 * ones), and an insert of an embedded-queue job; and a one-row select with the options a Drizzle prepared query passes (array
 * rows, its own date parsers). PGlite runs in this thread, so process CPU is the statement's whole cost.
 * Process CPU and wall time per statement, medians of 5 interleaved rounds.
 *
 * Usage: npx tsx bench/storage/pglite-statements.ts [--statements 1000]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PGlite, types, type QueryOptions } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { storeInboundStatement } from '../../bot/storage/inbound-batch-store.ts';
import { PglitePreparedClient } from '../../bot/storage/pglite-prepared-client.ts';

const { values } = parseArgs({ options: { statements: { type: 'string', default: '1000' } } });
const count = Number(values.statements);
const dir = mkdtempSync(join(tmpdir(), 'kefu-bench-pglite-'));
const client = new PGlite(join(dir, 'pg'));
await client.waitReady;
await migrate(drizzle(client), { migrationsFolder: fileURLToPath(new URL('../../bot/storage/migrations', import.meta.url)) });
await client.query(`insert into workspaces (id, name) values ('w', 'bench')`);
await client.query(`insert into channel_accounts (id, workspace_id, type, secrets) values ('a', 'w', 'wechat-official', '')`);
const cache = new PglitePreparedClient(client);

// Ingress's statement (contact, conversation, message in one), one new message per call from one
// of 500 followers.
const storeInbound = storeInboundStatement.text;
let call = 0;
// What a Drizzle prepared query passes (array rows, its own parsers for dates), one object kept
// for every call as the query object keeps it.
const drizzleOptions: QueryOptions = {
  rowMode: 'array',
  parsers: Object.fromEntries([types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182].map((type) => [type, (value: string) => value])),
};
const statements: Array<{ label: string; text: string; params: () => unknown[]; options?: QueryOptions }> = [
  { label: 'select $1', text: 'select $1::int as n', params: () => [call] },
  {
    label: 'store an inbound message (CTE)',
    text: storeInbound,
    params: () => {
      const user = `user-${call % 500}`;
      const now = new Date();
      return [['w'], ['a'], [user], [null], [randomUUID()], [null], ['w'], ['a'], [user], ['direct'], [now],
        ['w'], ['a'], [user], [user], [`m-${randomUUID()}`], ['[{"type":"text","text":"你好"}]'], ['[]'], [false], [false], ['{}'], ['t'], [now]];
    },
  },
  {
    label: 'insert queue job',
    text: `insert into jobs (queue, name, job_key, data, status, attempt, max_attempts, backoff_ms) values ('bench', 'n', $1, $2, 'waiting', 0, 3, 1000)`,
    params: () => [randomUUID(), JSON.stringify({ call })],
  },
  { label: 'select a row, Drizzle’s options', text: 'select * from channel_accounts where id = $1', params: () => ['a'], options: drizzleOptions },
];
const runners = {
  'PGlite.query': (text: string, params: unknown[], options?: QueryOptions) => client.query(text, params, options),
  'statement cache': (text: string, params: unknown[], options?: QueryOptions) => cache.query(text, params, options),
};
const samples = new Map<string, number[]>();
for (let round = 0; round < 5; round += 1) {
  for (const statement of statements) {
    for (const [runner, run] of Object.entries(runners)) {
      for (let i = 0; i < 50; i += 1, call += 1) await run(statement.text, statement.params(), statement.options);
      const before = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < count; i += 1, call += 1) await run(statement.text, statement.params(), statement.options);
      const wall = (performance.now() - started) / count;
      const used = process.cpuUsage(before);
      const key = `${statement.label}\u0000${runner}`;
      samples.set(`${key}\u0000cpu`, [...(samples.get(`${key}\u0000cpu`) ?? []), (used.user + used.system) / count / 1000]);
      samples.set(`${key}\u0000wall`, [...(samples.get(`${key}\u0000wall`) ?? []), wall]);
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
process.stdout.write(
  '| statement | PGlite.query: ms CPU / wall | statement cache: ms CPU / wall | ratio CPU / wall |\n| --- | ---: | ---: | ---: |\n',
);
for (const statement of statements) {
  const figure = (runner: string, kind: string) => median(samples.get(`${statement.label}\u0000${runner}\u0000${kind}`)!);
  const [plain, cached] = Object.keys(runners).map((runner) => ({ cpu: figure(runner, 'cpu'), wall: figure(runner, 'wall') }));
  process.stdout.write(
    `| ${statement.label} | ${plain!.cpu.toFixed(3)} / ${plain!.wall.toFixed(3)} | ${cached!.cpu.toFixed(3)} / ${cached!.wall.toFixed(3)} | ` +
      `${(cached!.cpu / plain!.cpu).toFixed(2)} / ${(cached!.wall / plain!.wall).toFixed(2)} |\n`,
  );
}
await client.close();
rmSync(dir, { recursive: true, force: true });
