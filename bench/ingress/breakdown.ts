/**
 * Where an ingress request's CPU goes, stage by stage, measured in-process and sequentially (no
 * concurrency, so every number is service cost, not queueing): verify + decrypt + parse
 * (`openWebhook`), the durable write (`persistInbound`, new and returning follower), the enqueue
 * (BullMQ `add`), and for comparison the node-webot `wechat` crypto + xml2js parse.
 * `persistInbound` is the group-commit store with a batch of one: under load ingress shares each
 * batch's statements between concurrent webhooks, so these are upper bounds per webhook.
 *
 * Usage: npx tsx bench/ingress/breakdown.ts [--count 2000]   (needs PostgreSQL and Redis)
 * Prints one JSON object; creates and drops its own database and BullMQ prefix.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createAdapter } from '../../adapters/registry.ts';
import type { ChannelConfig } from '../../bot/config.ts';
import type { InboundMessage } from '../../bot/model.ts';
import { createBullmqQueueFactory } from '../../bot/ports/bullmq-queue.ts';
import { createMemoryCache } from '../../bot/ports/memory-cache.ts';
import { createMemoryLock } from '../../bot/ports/memory-lock.ts';
import { createSecretBox } from '../../bot/secret-box.ts';
import { openDatabase } from '../../bot/storage/database.ts';
import { persistInbound } from '../../bot/storage/inbound-repository.ts';
import { syncConfiguredAccounts } from '../../bot/storage/workspace-repository.ts';
import { postgresBackendPids, totalCpuMs } from './cpu.ts';
import { account, generatePayloads } from './payloads.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
const count = Number(values.count);

/** CPU ms of this process (and of `pids`) per call of `work`, over `count` sequential calls. */
async function perCall(work: (index: number) => unknown, pids: () => number[] = () => []) {
  for (let index = 0; index < Math.min(200, count); index += 1) await work(index); // warm-up
  const own = process.cpuUsage();
  const others = totalCpuMs(pids());
  const started = performance.now();
  for (let index = 0; index < count; index += 1) await work(index);
  const wallMs = performance.now() - started;
  const usage = process.cpuUsage(own);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    nodeCpuMs: round((usage.user + usage.system) / 1000 / count),
    otherCpuMs: round((totalCpuMs(pids()) - others) / count),
    wallMs: round(wallMs / count),
  };
}

const payloads = generatePayloads(count + 200 + 1);
const channel = { id: 'bench-oa', type: 'wechat-official', ...account, apiBaseUrl: 'http://127.0.0.1:9', workspace: 'default' } as ChannelConfig;
const adapter = createAdapter(channel, { cache: createMemoryCache(), lock: createMemoryLock() });
const requests = payloads.map((payload) => ({
  method: 'POST',
  query: Object.fromEntries(new URLSearchParams(payload.query)),
  headers: { 'content-type': 'text/xml' },
  rawBody: Buffer.from(payload.body),
}));

const results: Record<string, unknown> = {};
const messages: InboundMessage[] = [];
results.openWebhook = await perCall(async (index) => {
  const result = await adapter.handleWebhook(requests[index]!);
  if (result.kind === 'messages') messages[index] = result.messages[0]!;
});

const require = createRequire(import.meta.url);
const Crypt = require('wechat-crypto') as new (token: string, key: string, appId: string) => { decrypt(text: string): { message: string } };
const xml2js = require('xml2js') as { parseString(xml: string, options: object, callback: (error: unknown, value: unknown) => void): void };
const crypt = new Crypt(account.token, account.encodingAesKey, account.appId);
const parse = (xml: string) => new Promise<{ xml: Record<string, string[]> }>((resolve, reject) => xml2js.parseString(xml, { trim: true }, (error, value) => (error ? reject(error) : resolve(value as { xml: Record<string, string[]> }))));
results.peerDecryptAndParse = await perCall(async (index) => {
  const outer = await parse(payloads[index]!.body);
  await parse(crypt.decrypt(outer.xml.Encrypt![0]!).message);
});

// PostgreSQL: a fresh database.
const name = `kefu_breakdown_${randomBytes(4).toString('hex')}`;
const admin = async (sql: string) => {
  const client = new pg.Client({ connectionString: values['postgres-url'] });
  await client.connect();
  await client.query(sql).finally(() => client.end());
};
await admin(`create database ${name}`);
const prefix = `kefu-breakdown-${randomBytes(4).toString('hex')}`;
try {
  const url = new URL(values['postgres-url']!);
  url.pathname = `/${name}`;
  const database = await openDatabase({ driver: 'postgres', url: url.toString(), poolSize: 2 });
  await syncConfiguredAccounts(database.db, { workspaces: [{ id: 'default', name: 'Bench' }], channels: [channel], secretBox: createSecretBox(randomBytes(32).toString('base64url')) });
  let backends: number[] = [];
  await database.ping();
  await database.ping();
  backends = await postgresBackendPids(values['postgres-url']!, name);
  const persist = (message: InboundMessage) =>
    persistInbound(database.db, { workspaceId: 'default', channelAccountId: 'bench-oa', message, traceId: randomUUID() });
  results.persistInboundNewFollower = await perCall((index) => persist(messages[index]!), () => backends);
  // The same followers again, each with a new message: identity exists (the usual case).
  results.persistInboundReturningFollower = await perCall(
    (index) => persist({ ...messages[index]!, platformMessageId: `${messages[index]!.platformMessageId}-2` }),
    () => backends,
  );
  // A platform retry of a stored message.
  results.persistInboundDuplicate = await perCall((index) => persist(messages[index]!), () => backends);
  await database.close();

  const factory = createBullmqQueueFactory({ connection: values['redis-url']!, prefix });
  const queue = factory.create('process');
  const redis = new Redis(values['redis-url']!);
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  results.bullmqAdd = await perCall(
    (index) => queue.add('process-conversation', { conversationId: randomUUID(), inboundMessageId: randomUUID() }, { jobId: `inbound-${index}-${randomUUID()}` }),
    () => [redisPid],
  );
  await factory.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
} finally {
  await admin(`drop database if exists ${name} with (force)`);
}
process.stdout.write(`${JSON.stringify({ count, ...results })}\n`);
