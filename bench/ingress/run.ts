/**
 * Ingress benchmark (the foundation issue): WeChat Official Account safe-mode webhook throughput
 * and acknowledgement latency of Kefu, in embedded and production modes, measured in the same run
 * against
 *   (a) the ceiling — a bare Koa endpoint that only answers `success`, and
 *   (b) the peer — the node-webot `wechat` middleware in the same Koa, safe mode, answering `''`,
 * all fed the same pre-built, signed and encrypted callbacks (sandbox `buildCallback`, a distinct
 * MsgId and OpenID per request, fresh timestamps each round).
 *
 * Kefu runs as `node bin/kefu.mjs start` in child processes (answers sent to a stand-in WeChat API
 * child): in production mode a KEFU_ROLE=web process plus a separate KEFU_ROLE=worker process
 * (`--topology split`, the default; the ingress figure is the web process's), and for information
 * one KEFU_ROLE=all process (`ack-all`); in embedded mode one KEFU_ROLE=all process. Kefu figures:
 *   - ingress: passiveReplyBudgetMs 0 — verify, decrypt, parse, dedupe, persist, enqueue, ack;
 *   - passive: the default budget (3000 ms) — the answer is carried in the HTTP response.
 * Each target runs `--rounds` times, interleaved (rotating order), every Kefu run on a fresh
 * database; the report gives medians. Goals: Kefu ingress p99 < 50 ms; in production mode
 * ≥ 40 % of the ceiling's throughput and ≥ the peer's.
 *
 * Usage: npx tsx bench/ingress/run.ts [--duration 15] [--connections 32] [--rate R] [--modes embedded,production]
 *        [--rounds 3] [--warmup 3] [--pool 20000] [--no-record] [--profile]
 * Prints progress on stderr and one JSON object as the last line of stdout; appends a section to
 * bench/RESULTS.md unless --no-record.
 */
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KefuHarness, webhookPath, type KefuChild, type KefuCounters, type KefuMode, type KefuTopology, type KefuVariant } from './kefu-target.ts';
import { checkAnswer, PayloadCursor, runLoad, type Checks, type LoadResult } from './load.ts';
import { runOpenLoad } from './open-loop.ts';
import { processCpuMs, totalCpuMs } from './cpu.ts';
import { nproc, shortCommit, startServer, type ServerChild } from './server-child.ts';
import { generatePayloads, type Payload } from './payloads.ts';
import { formatSummary, summariseProfile } from './profile.ts';
import { appendResults, type TargetSummary } from './report.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const log = (line: string) => process.stderr.write(`[bench:ingress] ${line}\n`);

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    /**
     * A fixed arrival rate (req/s) for every target instead of as fast as each answers: latency at a
     * sustained load. Open loop with Poisson arrivals (`open-loop.ts`), warm-up at the same rate.
     */
    rate: { type: 'string' },
    modes: { type: 'string', default: 'embedded,production' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    pool: { type: 'string', default: '20000' },
    'log-level': { type: 'string', default: 'info' },
    'postgres-url': { type: 'string', default: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    'redis-url': { type: 'string', default: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
    results: { type: 'string', default: join(repoRoot, 'bench/RESULTS.md') },
    'no-record': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    /** Production mode: `split` (web + worker processes), `all` (one process), `web` (diagnosis: no pipeline at all). */
    topology: { type: 'string', default: 'split' },
  },
});
const settings = {
  durationS: Number(args.duration),
  connections: Number(args.connections),
  rate: args.rate ? Number(args.rate) : undefined,
  warmupS: Number(args.warmup),
  rounds: Number(args.rounds),
  poolSize: Number(args.pool),
  modes: args.modes!.split(',').map((m) => m.trim()).filter(Boolean) as KefuMode[],
  logLevel: args['log-level']!,
  topology: args.topology as KefuTopology,
};
if (!['split', 'all', 'web'].includes(settings.topology)) throw new Error(`--topology must be split, all or web`);
for (const mode of settings.modes) if (mode !== 'embedded' && mode !== 'production') throw new Error(`unknown mode ${mode}`);

/** A pool older than this is rebuilt before the next target (Kefu refuses callbacks older than 300 s). */
const poolMaxAgeMs = 200_000;

// ---------------------------------------------------------------------------------------------
// One measurement

type TargetName = 'ceiling' | 'peer' | `kefu-${KefuMode}-${KefuVariant}`;

interface Measurement extends LoadResult {
  round: number;
  target: TargetName;
  /** Sequential pre-flight requests, fully decoded. */
  preflight: Checks;
  warmupRequests: number;
  /** Requests beyond the payload pool (repeated MsgIds). */
  wrapped: number;
  /** CPU ms per measured request: the target's own process, its PostgreSQL backends, Redis, the load generator. */
  cpuMsPerRequest: { server: number; worker?: number; postgres?: number; redis?: number; loadGenerator: number };
  kefu?: {
    startS: number;
    counters: KefuCounters;
    /** Callbacks answered 200 (pre-flight + warm-up + measured, as counted by the client). */
    answered: number;
    /** Callbacks Kefu counted as stored or duplicate (/metrics). */
    stored: number;
    /**
     * Every callback answered 200 was stored: stored ≥ answered (more can be stored than answered:
     * requests in flight when the load stopped, or given up by the client after its 10 s timeout).
     */
    persistedAll: boolean;
    /** Pipeline throughput during the run (messages processed / s, including warm-up). */
    processedPerS: number;
  };
}

async function preflight(url: string, cursor: PayloadCursor, count = 3): Promise<Checks> {
  const checks: Checks = { acknowledged: 0, replied: 0, invalid: 0, samples: [] };
  for (let index = 0; index < count; index += 1) {
    const payload = cursor.take();
    const response = await fetch(`${url}${webhookPath}?${payload.query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: payload.body,
    });
    const body = await response.text();
    if (response.status !== 200) {
      checks.invalid += 1;
      checks.samples.push(`HTTP ${response.status}: ${body.slice(0, 200)}`);
    } else checkAnswer(checks, response.status, body, payload.openId);
  }
  return checks;
}

const answeredOf = (checks: Checks) => checks.acknowledged + checks.replied;

async function measure(
  round: number,
  target: TargetName,
  url: string,
  pool: Payload[],
  serverPid: number,
  kefu?: KefuChild & { startS: number },
): Promise<Measurement> {
  const cursor = new PayloadCursor(pool);
  const started = performance.now();
  const flight = await preflight(url, cursor);
  // At a fixed rate the warm-up keeps that rate too: a flat-out warm-up would leave the pipeline a
  // backlog that it works off during the measured run, charging its CPU to the measured requests.
  const load = (durationS: number, seed: number) =>
    settings.rate
      ? runOpenLoad({ baseUrl: url, path: webhookPath, cursor, connections: settings.connections, durationS, rate: settings.rate, seed })
      : runLoad({ baseUrl: url, path: webhookPath, cursor, connections: settings.connections, durationS });
  const warm = await load(settings.warmupS, 1);
  const support = kefu ? await kefu.supportPids() : { postgres: [] };
  const before = {
    server: processCpuMs(serverPid) ?? 0,
    worker: kefu?.workerPid ? (processCpuMs(kefu.workerPid) ?? 0) : 0,
    postgres: totalCpuMs(support.postgres),
    redis: support.redis ? (processCpuMs(support.redis) ?? 0) : 0,
    loadGenerator: process.cpuUsage(),
  };
  const result = await load(settings.durationS, 2);
  const perRequest = (ms: number) => Math.round((ms / Math.max(1, result.requests)) * 100) / 100;
  const loadGeneratorUsage = process.cpuUsage(before.loadGenerator);
  const measurement: Measurement = {
    round,
    target,
    ...result,
    preflight: flight,
    warmupRequests: warm.requests,
    wrapped: cursor.wrapped,
    cpuMsPerRequest: {
      server: perRequest((processCpuMs(serverPid) ?? 0) - before.server),
      ...(kefu?.workerPid ? { worker: perRequest((processCpuMs(kefu.workerPid) ?? 0) - before.worker) } : {}),
      ...(support.postgres.length ? { postgres: perRequest(totalCpuMs(support.postgres) - before.postgres) } : {}),
      ...(support.redis ? { redis: perRequest((processCpuMs(support.redis) ?? 0) - before.redis) } : {}),
      loadGenerator: perRequest((loadGeneratorUsage.user + loadGeneratorUsage.system) / 1000),
    },
  };
  if (kefu) {
    // Let in-flight requests land before reading the counters.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const counters = await kefu.counters();
    const answered = answeredOf(flight) + answeredOf(warm.checks) + answeredOf(result.checks);
    const stored = (counters.webhook.stored ?? 0) + (counters.webhook.duplicate ?? 0);
    const elapsedS = (performance.now() - started) / 1000;
    measurement.kefu = {
      startS: Math.round(kefu.startS * 10) / 10,
      counters,
      answered,
      stored,
      persistedAll: stored >= answered,
      processedPerS: Math.round(Object.values(counters.processed).reduce((a, b) => a + b, 0) / elapsedS),
    };
  }
  const c = result.checks;
  log(
    `round ${round} ${target.padEnd(24)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  ` +
      `errors ${result.errors} non2xx ${result.non2xx} invalid ${c.invalid} replied ${c.replied} cpu ms/req ${JSON.stringify(measurement.cpuMsPerRequest)}` +
      (measurement.kefu ? `  answered ${measurement.kefu.answered} stored ${JSON.stringify(measurement.kefu.counters.webhook)} processed/s ${measurement.kefu.processedPerS} pipeline mean ${measurement.kefu.counters.processingMeanMs} ms persistedAll ${measurement.kefu.persistedAll}` : ''),
  );
  return measurement;
}

// ---------------------------------------------------------------------------------------------
// Statistics and report

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;


function summarise(measurements: Measurement[]): TargetSummary {
  const sum = (pick: (m: Measurement) => number) => measurements.reduce((total, m) => total + pick(m), 0);
  const kefu = measurements.filter((m) => m.kefu);
  return {
    runs: measurements.length,
    rps: Math.round(median(measurements.map((m) => m.rps))),
    p50: round1(median(measurements.map((m) => m.p50))),
    p99: round1(median(measurements.map((m) => m.p99))),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
    non2xx: sum((m) => m.non2xx),
    invalid: sum((m) => m.checks.invalid + m.preflight.invalid),
    replied: sum((m) => m.checks.replied),
    acknowledged: sum((m) => m.checks.acknowledged),
    wrapped: sum((m) => m.wrapped),
    cpuMsPerRequest: {
      server: round2(median(measurements.map((m) => m.cpuMsPerRequest.server))),
      ...(measurements.every((m) => m.cpuMsPerRequest.worker !== undefined)
        ? { worker: round2(median(measurements.map((m) => m.cpuMsPerRequest.worker!))) }
        : {}),
      ...(measurements.every((m) => m.cpuMsPerRequest.postgres !== undefined)
        ? { postgres: round2(median(measurements.map((m) => m.cpuMsPerRequest.postgres!))) }
        : {}),
      ...(measurements.every((m) => m.cpuMsPerRequest.redis !== undefined)
        ? { redis: round2(median(measurements.map((m) => m.cpuMsPerRequest.redis!))) }
        : {}),
      loadGenerator: round2(median(measurements.map((m) => m.cpuMsPerRequest.loadGenerator))),
    },
    ...(kefu.length
      ? {
          persistedAll: kefu.every((m) => m.kefu!.persistedAll),
          processedPerS: Math.round(median(kefu.map((m) => m.kefu!.processedPerS))),
          processingMeanMs: round1(median(kefu.map((m) => m.kefu!.counters.processingMeanMs ?? 0))),
          startS: round1(median(kefu.map((m) => m.kefu!.startS))),
        }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const startedAt = new Date();
  const runStarted = performance.now();
  const machine = {
    name: 'node-svc',
    cores: 2,
    nproc: nproc(),
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
    node: process.version,
  };
  const commit = shortCommit();
  log(`commit ${commit}, nproc ${machine.nproc}, load average ${machine.loadAverageAtStart.join(' ')}, ${JSON.stringify(settings)}`);

  const workDir = mkdtempSync(join(tmpdir(), 'kefu-bench-ingress-'));
  const servers: ServerChild[] = [];
  const harnesses = new Map<KefuMode, KefuHarness>();
  const measurements: Measurement[] = [];
  let profileText: string | undefined;
  try {
    const [ceiling, peer, api] = await Promise.all([startServer('ceiling'), startServer('peer'), startServer('wechat-api')]);
    servers.push(ceiling, peer, api);
    for (const mode of settings.modes) {
      const harness = new KefuHarness({
        mode,
        workDir,
        apiBaseUrl: api.url,
        logLevel: settings.logLevel,
        topology: settings.topology,
        postgresUrl: args['postgres-url']!,
        redisBaseUrl: args['redis-url']!,
      });
      harnesses.set(mode, harness);
      log(`preparing ${mode} template (migrations + FAQ import)…`);
      log(`  ${mode} template ready in ${(await harness.prepare()).toFixed(1)} s`);
    }

    const targets: TargetName[] = [
      'ceiling',
      'peer',
      ...settings.modes.flatMap((mode) => [
        `kefu-${mode}-ack` as const,
        `kefu-${mode}-passive` as const,
        ...(mode === 'production' && settings.topology === 'split' ? [`kefu-${mode}-ack-all` as const] : []),
      ]),
    ];
    let pool: Payload[] = [];
    let poolBuiltAt = 0;
    for (let round = 1; round <= settings.rounds; round += 1) {
      const order = targets.map((_, index) => targets[(index + round - 1) % targets.length]!);
      for (const target of order) {
        if (pool.length === 0 || performance.now() - poolBuiltAt > poolMaxAgeMs) {
          const t = performance.now();
          pool = generatePayloads(settings.poolSize);
          poolBuiltAt = performance.now();
          log(`built ${pool.length} safe-mode callbacks in ${((poolBuiltAt - t) / 1000).toFixed(1)} s`);
        }
        if (target === 'ceiling' || target === 'peer') {
          const server = target === 'ceiling' ? ceiling : peer;
          measurements.push(await measure(round, target, server.url, pool, server.child.pid!));
          continue;
        }
        const [, mode, ...rest] = target.split('-') as [string, KefuMode, ...string[]];
        const variant = rest.join('-') as KefuVariant;
        const kefu = await harnesses.get(mode)!.start(variant);
        try {
          measurements.push(await measure(round, target, kefu.url, pool, kefu.pid, kefu));
        } finally {
          await kefu.stop();
        }
      }
    }

    if (args.profile) {
      const mode: KefuMode = settings.modes.includes('production') ? 'production' : settings.modes[0]!;
      const profileDir = join(workDir, 'cpu-profile');
      const kefu = await harnesses.get(mode)!.start('ack', { cpuProfDir: profileDir });
      if (pool.length === 0 || performance.now() - poolBuiltAt > poolMaxAgeMs) pool = generatePayloads(settings.poolSize);
      try {
        await measure(0, `kefu-${mode}-ack`, kefu.url, pool, kefu.pid, kefu);
      } finally {
        await kefu.stop({ graceMs: 30_000 });
      }
      const file = existsSync(profileDir) ? readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile')) : undefined;
      if (file) {
        profileText = formatSummary(summariseProfile(JSON.parse(readFileSync(join(profileDir, file), 'utf8')), 25, 'handleWebhookCall'));
        const kept = join(tmpdir(), `kefu-ingress-${mode}-${Date.now()}.cpuprofile`);
        copyFileSync(join(profileDir, file), kept);
        process.stderr.write(`\n${profileText}\n\n(profile kept at ${kept})\n`);
      } else log('no CPU profile was written (Kefu did not exit cleanly)');
    }
  } finally {
    for (const harness of harnesses.values()) await harness.cleanup();
    for (const server of servers) await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  }

  // ---- summary
  const byTarget = new Map<TargetName, Measurement[]>();
  for (const m of measurements) byTarget.set(m.target, [...(byTarget.get(m.target) ?? []), m]);
  const summary = Object.fromEntries([...byTarget].map(([target, list]) => [target, summarise(list)])) as Record<string, TargetSummary>;
  const ceiling = summary.ceiling!;
  const peer = summary.peer!;
  const modes = Object.fromEntries(
    settings.modes.map((mode) => {
      const ack = summary[`kefu-${mode}-ack`]!;
      const ofCeiling = ack.rps / ceiling.rps;
      const ofPeer = ack.rps / peer.rps;
      // At a fixed rate every target serves the same req/s: only latency and correctness are goals.
      const goals = {
        p99Under50ms: ack.p99 < 50,
        ...(mode === 'production' && !settings.rate ? { atLeast40PctOfCeiling: ofCeiling >= 0.4, atLeastPeer: ofPeer >= 1 } : {}),
        /** Every answer 200 + `success` (or a valid reply) and every acknowledged callback stored; timeouts are latency, reported apart. */
        correct: ack.non2xx === 0 && ack.invalid === 0 && ack.persistedAll === true,
      };
      return [mode, { ingressOfCeiling: Math.round(ofCeiling * 1000) / 1000, ingressOfPeer: Math.round(ofPeer * 1000) / 1000, goals }];
    }),
  );
  const allGoalsMet = Object.values(modes).every((m) => Object.values(m.goals).every(Boolean));
  const output = {
    benchmark: 'ingress',
    date: startedAt.toISOString().slice(0, 10),
    commit,
    machine,
    settings,
    elapsedS: Math.round((performance.now() - runStarted) / 1000),
    targets: summary,
    modes,
    allGoalsMet,
    runs: measurements.map((m) => ({
      round: m.round,
      target: m.target,
      rps: Math.round(m.rps),
      p50: m.p50,
      p99: m.p99,
      errors: m.errors,
      non2xx: m.non2xx,
      invalid: m.checks.invalid,
      cpuMsPerRequest: m.cpuMsPerRequest,
      timeouts: m.timeouts,
      ...(m.kefu ? { answered: m.kefu.answered, stored: m.kefu.counters.webhook, processedPerS: m.kefu.processedPerS, persistedAll: m.kefu.persistedAll, startS: m.kefu.startS } : {}),
    })),
  };
  if (!args['no-record']) appendResults(args.results!, output, profileText);
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
