/**
 * Kefu as a benchmark target: the real `kefu start` (bin/kefu.mjs) in child processes.
 * - production mode, topology `split` (default): a KEFU_ROLE=web process takes the webhooks and a
 *   separate KEFU_ROLE=worker process runs the pipeline and the outbox, as DESIGN's scale-out
 *   path deploys them; the ingress figure is the web process's. Variant `ack-all` runs one
 *   KEFU_ROLE=all process instead, for information.
 * - embedded mode: one KEFU_ROLE=all process (one process per data directory), so the pipeline
 *   competes with ingress for the same CPU and the same single-connection database.
 *
 * Every measurement gets a fresh Kefu on a fresh copy of a prepared database (migrated, demo FAQ
 * imported), so no run inherits another's rows or queue backlog:
 * - embedded: PGlite in a temp DATA_DIR copied from a template directory, in-process queue;
 * - production: a PostgreSQL database created from a template database, Redis + BullMQ on a
 *   Redis logical database that was empty when the run began (its keys are deleted after each run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { demoKnowledgeFile } from '../../bot/config.ts';
import { postgresBackendPids } from './cpu.ts';
import { account } from './payloads.ts';

export type KefuMode = 'embedded' | 'production';
/**
 * `ack`: passiveReplyBudgetMs 0 (pure ingress); `passive`: the default budget (3000 ms);
 * `ack-all`: `ack` in one KEFU_ROLE=all process (production mode, for information).
 */
export type KefuVariant = 'ack' | 'passive' | 'ack-all';
/** `split`: web + worker processes; `all`: one process; `web`: web only (diagnosis: nothing processed). */
export type KefuTopology = 'split' | 'all' | 'web';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const channelId = 'bench-oa';
export const webhookPath = `/webhooks/wechat-official/${channelId}`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Counters read from Kefu's /metrics after a run. */
export interface KefuCounters {
  webhook: Record<string, number>;
  processed: Record<string, number>;
  deliveries: Record<string, number>;
  /** Mean pipeline time per processed message (ms), from kefu_processing_seconds. */
  processingMeanMs?: number;
}

function sumBy(text: string, metric: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const labels = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'));
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const match = new RegExp(`${label}="([^"]*)"`).exec(labels);
    const key = match?.[1] ?? '';
    out[key] = (out[key] ?? 0) + value;
  }
  return out;
}

/** Sum / count of a Prometheus histogram, in ms (undefined when empty). */
function histogramMeanMs(text: string, metric: string): number | undefined {
  const total = (suffix: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${metric}_${suffix}`))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  const count = total('count');
  return count ? Math.round((total('sum') / count) * 1000 * 10) / 10 : undefined;
}

export interface KefuChild {
  url: string;
  pid: number;
  /** The separate worker process (topology `split`). */
  workerPid?: number;
  /** The KEFU_ROLE of the process taking the webhooks, plus `+worker` when split. */
  topology: KefuTopology;
  logFile: string;
  counters(): Promise<KefuCounters>;
  /** The PIDs doing this Kefu's database and queue work outside its own process (production). */
  supportPids(): Promise<{ postgres: number[]; redis?: number }>;
  stop(options?: { graceMs?: number }): Promise<void>;
}

export interface KefuHarnessOptions {
  mode: KefuMode;
  workDir: string;
  apiBaseUrl: string;
  logLevel: string;
  /** Production-mode topology (default `split`); embedded mode always runs `all` unless `web`. */
  topology?: KefuTopology;
  postgresUrl: string;
  redisBaseUrl: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class KefuHarness {
  private readonly id = randomBytes(4).toString('hex');
  private runs = 0;
  private redisUrl?: string;
  private readonly databases: string[] = [];
  private templateReady = false;
  private readonly secretKey = randomBytes(32).toString('base64url');

  constructor(readonly options: KefuHarnessOptions) {}

  private get templateName() {
    return `kefu_bench_${this.id}_tpl`;
  }

  private writeConfig(dir: string, variant: KefuVariant): string {
    const file = join(dir, 'kefu.config.json');
    const channel: Record<string, unknown> = {
      id: channelId,
      type: 'wechat-official',
      name: 'Bench OA',
      ...account,
      apiBaseUrl: this.options.apiBaseUrl,
    };
    if (variant !== 'passive') channel.passiveReplyBudgetMs = 0;
    // The stand-in WeChat API has no limit and the bench measures Kefu's cost, not a send policy:
    // at the default 600 a minute most API sends would wait for later minutes during a run.
    channel.sendsPerMinute = 1_000_000;
    writeFileSync(
      file,
      JSON.stringify({
        workspaces: [{ id: 'default', name: 'Bench' }],
        channels: [channel],
        knowledge: [{ file: demoKnowledgeFile, name: '茶语时光 FAQ' }],
        sandbox: false,
      }),
    );
    return file;
  }

  private async admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.options.postgresUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  private databaseUrl(name: string): string {
    const url = new URL(this.options.postgresUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** A Redis logical database with no keys, kept for this harness. */
  private async chooseRedis(): Promise<string> {
    for (let index = 15; index >= 1; index -= 1) {
      const url = new URL(this.options.redisBaseUrl);
      url.pathname = `/${index}`;
      const redis = new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      const size = await redis.dbsize();
      redis.disconnect();
      if (size === 0) return url.toString();
    }
    throw new Error('no empty Redis logical database (1–15) for the benchmark');
  }

  /** Delete every key of our Redis database (it was empty when we took it). */
  private async clearRedis(): Promise<void> {
    if (!this.redisUrl) return;
    const redis = new Redis(this.redisUrl, { maxRetriesPerRequest: 1 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }

  private topologyOf(variant: KefuVariant): KefuTopology {
    const chosen = this.options.topology ?? 'split';
    if (this.options.mode === 'embedded') return chosen === 'web' ? 'web' : 'all';
    return variant === 'ack-all' ? 'all' : chosen;
  }

  private spawnKefu(dir: string, variant: KefuVariant, databaseName: string | undefined, cpuProfDir?: string, role: 'all' | 'web' | 'worker' = 'all') {
    return (async () => {
      const port = await freePort();
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const key of ['DATABASE_URL', 'REDIS_URL', 'KEFU_SECRET_KEY', 'KEFU_CONFIG', 'LLM_BASE_URL', 'LLM_API_KEY', 'LLM_MODEL', 'EMBEDDING_MODEL']) delete env[key];
      Object.assign(env, {
        PORT: String(port),
        HOST: '127.0.0.1',
        KEFU_ROLE: role,
        DATA_DIR: join(dir, 'data'),
        KEFU_CONFIG: this.writeConfig(dir, variant),
        LOG_LEVEL: this.options.logLevel,
        NODE_ENV: 'production',
      });
      if (databaseName) {
        Object.assign(env, { DATABASE_URL: this.databaseUrl(databaseName), REDIS_URL: this.redisUrl, KEFU_SECRET_KEY: this.secretKey });
      }
      const logFile = join(dir, 'kefu.log');
      const fd = openSync(logFile, 'a');
      const args = [...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), join(repoRoot, 'bin/kefu.mjs'), 'start'];
      const child: ChildProcess = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      let dead = false;
      void exited.then(() => (dead = true));
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 180_000;
      for (;;) {
        if (dead) throw new Error(`kefu exited during start-up; see ${logFile}`);
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`kefu not ready after 180 s; see ${logFile}`);
        }
        try {
          const response = await fetch(`${url}/readyz`);
          if (response.ok) break;
        } catch {
          // not listening yet
        }
        await sleep(200);
      }
      const kefuChild: KefuChild = {
        url,
        pid: child.pid!,
        topology: role === 'worker' ? 'all' : role,
        logFile,
        async counters() {
          const text = await (await fetch(`${url}/metrics`)).text();
          return {
            webhook: sumBy(text, 'kefu_webhook_requests_total', 'outcome'),
            processed: sumBy(text, 'kefu_messages_processed_total', 'outcome'),
            deliveries: sumBy(text, 'kefu_deliveries_total', 'via'),
            processingMeanMs: histogramMeanMs(text, 'kefu_processing_seconds'),
          };
        },
        supportPids: async () => {
          if (!databaseName) return { postgres: [] };
          const postgres = await postgresBackendPids(this.options.postgresUrl, databaseName);
          const redis = new Redis(this.redisUrl!, { maxRetriesPerRequest: 1 });
          try {
            const info = await redis.info('server');
            const match = /process_id:(\d+)/.exec(info);
            return { postgres, redis: match ? Number(match[1]) : undefined };
          } finally {
            redis.disconnect();
          }
        },
        async stop({ graceMs = 5000 } = {}) {
          if (dead) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        },
      };
      return kefuChild;
    })();
  }

  /** Migrate and import the FAQ once; later starts copy the result. Returns seconds taken. */
  async prepare(): Promise<number> {
    const started = performance.now();
    const dir = join(this.options.workDir, `${this.options.mode}-template`);
    mkdirSync(dir, { recursive: true });
    if (this.options.mode === 'production') {
      this.redisUrl = await this.chooseRedis();
      await this.admin((client) => client.query(`create database ${this.templateName}`));
      this.databases.push(this.templateName);
    }
    const child = await this.spawnKefu(dir, 'passive', this.options.mode === 'production' ? this.templateName : undefined);
    await child.stop({ graceMs: 30_000 });
    await this.clearRedis();
    this.templateReady = true;
    return (performance.now() - started) / 1000;
  }

  /** A fresh Kefu on a fresh copy of the template. */
  async start(variant: KefuVariant, options: { cpuProfDir?: string } = {}): Promise<KefuChild & { startS: number }> {
    if (!this.templateReady) throw new Error('prepare() first');
    const started = performance.now();
    this.runs += 1;
    const dir = join(this.options.workDir, `${this.options.mode}-${variant}-${this.runs}`);
    let databaseName: string | undefined;
    if (this.options.mode === 'embedded') {
      cpSync(join(this.options.workDir, 'embedded-template', 'data'), join(dir, 'data'), { recursive: true });
    } else {
      mkdirSync(dir, { recursive: true });
      databaseName = `kefu_bench_${this.id}_${this.runs}`;
      const name = databaseName;
      for (let attempt = 0; ; attempt += 1) {
        try {
          await this.admin((client) => client.query(`create database ${name} template ${this.templateName}`));
          break;
        } catch (error) {
          // The template's last connections may still be closing.
          if (attempt >= 20) throw error;
          await sleep(250);
        }
      }
      this.databases.push(name);
      await this.clearRedis();
    }
    const topology = this.topologyOf(variant);
    let worker: KefuChild | undefined;
    if (topology === 'split') {
      const workerDir = join(dir, 'worker');
      mkdirSync(workerDir, { recursive: true });
      worker = await this.spawnKefu(workerDir, variant, databaseName, undefined, 'worker');
    }
    const child = await this.spawnKefu(dir, variant, databaseName, options.cpuProfDir, topology === 'split' ? 'web' : topology);
    return {
      ...child,
      topology,
      workerPid: worker?.pid,
      startS: (performance.now() - started) / 1000,
      // Webhook outcomes are counted where the webhooks arrive; processing and deliveries where the pipeline runs.
      counters: async () => {
        const web = await child.counters();
        if (!worker) return web;
        const work = await worker.counters();
        return { ...web, processed: work.processed, deliveries: work.deliveries, processingMeanMs: work.processingMeanMs };
      },
      stop: async (stopOptions) => {
        await child.stop(stopOptions);
        await worker?.stop(stopOptions);
        if (databaseName) {
          const name = databaseName;
          await this.admin((client) => client.query(`drop database if exists ${name} with (force)`));
          this.databases.splice(this.databases.indexOf(name), 1);
          await this.clearRedis();
        }
      },
    };
  }

  /** Drop every database and Redis key this harness created. */
  async cleanup(): Promise<void> {
    for (const name of this.databases.splice(0).reverse()) {
      await this.admin((client) => client.query(`drop database if exists ${name} with (force)`)).catch(() => undefined);
    }
    await this.clearRedis().catch(() => undefined);
  }
}
