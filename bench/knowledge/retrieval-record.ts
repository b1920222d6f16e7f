/** Appends a retrieval benchmark run to bench/RESULTS.md (append only: others write there too). */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';

interface Figures {
  'hit@1': number;
  'hit@5': number;
  'mrr@10': number;
}

export interface RetrievalReport {
  date: string;
  machine: string;
  commit: string;
  node: string;
  quality: Record<string, unknown>;
  scale_10k: Record<string, { entries_per_s: number; heap_mb: number; p50_ms: number; p95_ms: number; cpu_p95_ms: number }>;
}

const header = '# Benchmark results\n\nEach run appends a section: what ran, where (machine, date, commit) and its figures.\n';

/** Append one run as a Markdown section; creates the file with a header when absent. */
export function appendRetrievalResults(path: string, report: RetrievalReport): void {
  if (!existsSync(path)) writeFileSync(path, header);
  const lines = [
    '',
    `## Knowledge retrieval — ${report.date.slice(0, 10)}`,
    '',
    `Machine: ${report.machine}; Node ${report.node}; commit ${report.commit}. Command: \`npx tsx bench/knowledge/retrieval.ts\`.`,
    '',
    '| set | engine | hit@1 | hit@5 | MRR@10 | floor hit@1 (README / this run) | hit@1 ÷ README floor | p95 ms |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const [set, value] of Object.entries(report.quality)) {
    const row = value as Record<string, unknown>;
    const quoted = row.floor_quoted as Figures;
    const computed = row.floor_computed as Figures;
    for (const engine of ['ours', 'minisearch']) {
      const figures = row[engine] as (Figures & { p95_ms: number; hit1_vs_quoted_floor: number }) | undefined;
      if (!figures) continue;
      lines.push(
        `| ${set} | ${engine} | ${figures['hit@1']} | ${figures['hit@5']} | ${figures['mrr@10']} | ${quoted['hit@1']} / ${computed['hit@1']} | ${figures.hit1_vs_quoted_floor}× | ${figures.p95_ms} |`,
      );
    }
  }
  lines.push('', '10k-entry KB (every entry has an answer), one thread:', '', '| engine | build entries/s | heap MB | p50 ms | p95 ms | CPU p95 ms |', '|---|---|---|---|---|---|');
  for (const [engine, figures] of Object.entries(report.scale_10k)) {
    lines.push(`| ${engine} | ${figures.entries_per_s} | ${figures.heap_mb} | ${figures.p50_ms} | ${figures.p95_ms} | ${figures.cpu_p95_ms} |`);
  }
  lines.push('', goalsLine(report));
  appendFileSync(path, `${lines.join('\n')}\n`);
}

/** The goals: hit@1 ≥ 1.3 × README floor on 保险知道 B and ATEC (dev, and held out when run); p95 < 5 ms at 10k. */
export function goalsLine(report: RetrievalReport): string {
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  const ratio = (set: string) => ((report.quality[set] as Record<string, { hit1_vs_quoted_floor?: number }> | undefined)?.ours?.hit1_vs_quoted_floor ?? 0);
  const sets = ['baoxianzhidao-B', 'atec-full', 'atec-small', 'atec-full-test', 'atec-small-test'].filter((set) => set in report.quality);
  const parts = sets.map((set) => `${set} ${verdict(ratio(set) >= 1.3)} (${ratio(set)}×)`);
  const p95 = report.scale_10k.ours?.p95_ms ?? Number.NaN;
  return `Goals (ours): hit@1 ≥ 1.3 × README floor — ${parts.join(', ')}; 10k p95 < 5 ms — ${verdict(p95 < 5)} (${p95} ms).`;
}
