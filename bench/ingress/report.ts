/**
 * The ingress benchmark's report: the section `run.ts` appends to bench/RESULTS.md, from the JSON
 * object it prints. `record.ts` appends it again from a saved run's output.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import type { KefuTopology } from './kefu-target.ts';

/** The run settings the report states. */
export interface IngressSettings {
  durationS: number;
  connections: number;
  rate?: number;
  warmupS: number;
  rounds: number;
  poolSize: number;
  modes: string[];
  logLevel: string;
  topology: KefuTopology;
}

/** One target's medians over its runs. */
export interface TargetSummary {
  runs: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  invalid: number;
  replied: number;
  acknowledged: number;
  wrapped: number;
  persistedAll?: boolean;
  processedPerS?: number;
  /** Median of the runs' mean pipeline time per message (ms). */
  processingMeanMs?: number;
  startS?: number;
  /** Medians of CPU ms per request. */
  cpuMsPerRequest: { server: number; worker?: number; postgres?: number; redis?: number; loadGenerator: number };
}

/** What `run.ts` prints as its last line and the report is written from. */
export interface IngressReport {  date: string;
  commit: string;
  machine: { name: string; cores: number; nproc: string; loadAverageAtStart: number[]; node: string };
  settings: IngressSettings;
  elapsedS: number;
  targets: Record<string, TargetSummary>;
  modes: Record<string, { ingressOfCeiling: number; ingressOfPeer: number; goals: Record<string, boolean> }>;
  allGoalsMet: boolean;
}

export function appendResults(file: string, output: IngressReport, profileText?: string) {
  if (!existsSync(file)) writeFileSync(file, '# Benchmark results\n');
  const { targets } = output;
  const ceiling = targets.ceiling!;
  const peer = targets.peer!;
  const pct = (value: number) => `${value < 0.1 ? (value * 100).toFixed(1) : Math.round(value * 100)} %`;
  const errorsOf = (t: TargetSummary) => `${t.errors}${t.timeouts ? ` (${t.timeouts} timeouts)` : ''} / ${t.non2xx} / ${t.invalid}`;
  const cpuOf = (t: TargetSummary) => {
    if (t.rps === 0) return '—';
    const c = t.cpuMsPerRequest;
    return [c.worker !== undefined ? `web ${c.server} + worker ${c.worker}` : `${c.server}`, c.postgres !== undefined ? `+ PG ${c.postgres}` : '', c.redis !== undefined ? `+ Redis ${c.redis}` : ''].filter(Boolean).join(' ');
  };
  const ms = (value: number) => (Number.isFinite(value) ? String(value) : 'none completed');
  const row = (label: string, t: TargetSummary, ratios: { ceiling: boolean; peer: boolean } = { ceiling: true, peer: true }) =>
    `| ${label} | ${t.rps} | ${ms(t.p50)} | ${ms(t.p99)} | ${errorsOf(t)} | ${ratios.ceiling ? pct(t.rps / ceiling.rps) : '—'} | ${ratios.peer ? pct(t.rps / peer.rps) : '—'} | ${cpuOf(t)} |`;
  const tick = (ok: boolean | undefined) => (ok ? 'met' : 'NOT met');
  const lines = [
    '',
    `## Ingress — WeChat OA safe-mode webhook (\`bench/ingress\`), ${output.date}`,
    '',
    `Commit \`${output.commit}\` · machine \`${output.machine.name}\`, ${output.machine.cores} cores (\`nproc\` = ${output.machine.nproc}), ` +
      `load average at start ${output.machine.loadAverageAtStart.join(' / ')} (shared, noisy) · Node ${output.machine.node} · run took ${output.elapsedS} s.`,
    '',
    (output.settings.rate
      ? `Load: open loop (\`open-loop.ts\`), **Poisson arrivals at ${output.settings.rate} req/s** for every target (the same seeded schedule; latency counted from each request's scheduled arrival, so waiting for a connection counts; req/s ratios are then meaningless), up to ${output.settings.connections} keep-alive connections, warm-up at the same rate, `
      : `Load: autocannon, ${output.settings.connections} keep-alive connections as fast as each target answers, `) +
      `${output.settings.warmupS} s warm-up + ${output.settings.durationS} s measured per run, ` +
      `${output.settings.rounds} runs per target interleaved (rotating order); medians below. Every request is a distinct WeChat-exact safe-mode ` +
      `callback (signed, AES-encrypted, own MsgId and OpenID, built at the start of the round with the sandbox's \`buildCallback\`, pool of ${output.settings.poolSize}); ` +
      'all targets get the same callbacks in a round. Every answer is checked as WeChat reads it (`success`/empty, or an encrypted reply that must verify and decrypt).',
    '',
    '- **ceiling**: bare Koa answering `success` (no verification). **peer**: node-webot `wechat` 2.1.0 in the same Koa (connect bridge), safe mode, handler `res.reply(\'\')`; it checks `msg_signature` and decrypts (not the plain `signature`, the timestamp window or the AppID).',
    `- **Kefu** = \`node bin/kefu.mjs start\` as child processes (answers sent to a stand-in WeChat API child), LOG_LEVEL=${output.settings.logLevel} to a file, fresh database per run. ` +
      (output.settings.topology === 'split'
        ? 'Production mode: a KEFU_ROLE=web process takes the webhooks and a separate KEFU_ROLE=worker process runs pipeline + outbox (DESIGN\'s scale-out shape); ' +
          'throughput, latency and the first CPU figure are the web process\'s, "worker" is the worker\'s CPU per webhook; "one process" = KEFU_ROLE=all, for information. '
        : '') +
      'Embedded mode: one KEFU_ROLE=all process (pipeline + outbox in the same process and the same single-connection PGlite). ' +
      '**ingress** = `passiveReplyBudgetMs: 0` (verify, decrypt, parse, dedupe, persist, enqueue, ack `success`); **passive** = default budget 3000 ms (the answer rides in the HTTP response) — for information.',
    '- All servers and the load generator share the 2 cores; the load generator is one process. "CPU ms per request" is /proc utime+stime of the ' +
      'server process (all threads) over the measured run ÷ requests, plus the PostgreSQL backends of its database and the (shared) redis-server in production mode — ' +
      'less sensitive to the other tenants of the machine than req/s.',
    ...(output.settings.topology === 'web' ? ['- **Diagnostic run: KEFU_ROLE=web only** (no pipeline anywhere).'] : []),
    ...(output.settings.topology === 'all' ? ['- Production mode ran as one KEFU_ROLE=all process.'] : []),
    '',
  ];
  for (const [mode, result] of Object.entries(output.modes)) {
    const ack = targets[`kefu-${mode}-ack`]!;
    const passive = targets[`kefu-${mode}-passive`];
    const onePro = targets[`kefu-${mode}-ack-all`];
    lines.push(
      `### ${mode === 'embedded' ? 'Embedded mode (PGlite, in-process queue)' : 'Production mode (PostgreSQL + Redis/BullMQ)'}`,
      '',
      '| target | req/s | p50 ms | p99 ms | errors / non-2xx / bad answers (sum of runs) | × ceiling | × peer | CPU ms per request |',
      '| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |',
      row('ceiling (bare Koa `success`)', ceiling, { ceiling: false, peer: false }),
      row('peer (node-webot `wechat`)', peer, { ceiling: true, peer: false }),
      row(mode === 'production' && output.settings.topology === 'split' ? '**Kefu ingress** (ack; web + worker processes)' : '**Kefu ingress** (ack)', ack),
      ...(onePro ? [row('Kefu ingress, one process (KEFU_ROLE=all)', onePro)] : []),
      ...(passive ? [row(`Kefu passive reply (${passive.replied} of ${passive.replied + passive.acknowledged} answered in-band)`, passive)] : []),
      '',
      `Kefu ingress: every acknowledged callback stored: ${ack.persistedAll ? 'yes' : 'NO'} (checked against /metrics); ` +
        `pipeline during the run ${ack.processedPerS} msg/s (mean ${ack.processingMeanMs} ms per message); start-up ${ack.startS} s.` +
        (ack.wrapped ? ` ${ack.wrapped} requests repeated a MsgId (pool wrapped).` : ''),
      '',
      `Goals: p99 < 50 ms — ${tick(result.goals.p99Under50ms)} (${Number.isFinite(ack.p99) ? `${ack.p99} ms` : 'no request completed'})` +
        (output.settings.rate
          ? ` at a sustained ${output.settings.rate} req/s (served ${ack.rps} req/s; throughput goals are measured without --rate)`
          : mode === 'production'
          ? `; ≥ 40 % of ceiling — ${tick(result.goals.atLeast40PctOfCeiling)} (${pct(result.ingressOfCeiling)}); ≥ peer — ${tick(result.goals.atLeastPeer)} (${pct(result.ingressOfPeer)})`
          : `; throughput ${pct(result.ingressOfCeiling)} of ceiling, ${pct(result.ingressOfPeer)} of peer`) +
        `; answers correct and stored — ${tick(result.goals.correct)}` +
        (ack.errors ? `; ${ack.errors} requests failed (${ack.timeouts} gave up after 10 s; WeChat gives up after 5 s and retries)` : '') +
        '.',
      '',
    );
  }
  if (profileText) lines.push('<details><summary>CPU profile of a Kefu ingress run</summary>', '', '```', profileText, '```', '', '</details>', '');
  appendFileSync(file, `${lines.join('\n')}\n`);
}
