/**
 * Dense retrieval benchmark:
 * `npx tsx bench/knowledge/dense.ts [--datasets <dir>] [--dimensions 1024] [--no-record]
 *   [--embedding-url <OpenAI-compatible base URL> --embedding-model <id>]`.
 *
 * Always: fused query latency (BM25 + vectors, RRF) against BM25 alone in the same run, on the
 * 10k-entry KB of `retrieval.ts` with random vectors — the retrieval cost without the embedding
 * call — plus the vectors' memory and brute-force search at 10k and 50k rows.
 * With `--embedding-url`: hit@1 / hit@5 / MRR@10 of BM25, dense and fusion variants on the FAQ
 * sets (the API key comes from `EMBEDDING_API_KEY` or `LLM_API_KEY`). Datasets are read from
 * `../shared/datasets` at run time, never copied. Prints JSON; appends to bench/RESULTS.md.
 */
import { execSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { measureDenseLatency, type DenseLatencyResult } from './dense-latency.ts';
import { measureDenseQuality } from './dense-quality.ts';
import { atecFaqRetrieval, baoxianzhidaoProtocolB, scaleTask } from './retrieval-datasets.ts';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: process.env.KEFU_DATASETS ?? resolve(repositoryRoot, '../shared/datasets') },
    dimensions: { type: 'string', default: '1024' },
    entries: { type: 'string', default: '10000' },
    'embedding-url': { type: 'string' },
    'embedding-model': { type: 'string' },
    'batch-size': { type: 'string', default: '32' },
    'no-record': { type: 'boolean', default: false },
  },
});
const datasets = resolve(values.datasets);
if (!existsSync(resolve(datasets, 'baoxianzhidao-faq-zh'))) {
  console.error(`datasets not found in ${datasets} (pass --datasets <dir>)`);
  process.exit(2);
}
if (Boolean(values['embedding-url']) !== Boolean(values['embedding-model'])) {
  console.error('--embedding-url and --embedding-model go together');
  process.exit(2);
}
const log = (line: string) => console.error(line);

const latency = await measureDenseLatency(scaleTask(datasets, Number(values.entries)), Number(values.dimensions), log);
log(`latency: ${JSON.stringify(latency)}`);

let quality: Record<string, unknown> | undefined;
if (values['embedding-url'] && values['embedding-model']) {
  const provider = createOpenAICompatible({
    name: 'bench-embedding',
    baseURL: values['embedding-url'],
    apiKey: process.env.EMBEDDING_API_KEY ?? process.env.LLM_API_KEY,
  });
  const model = provider.embeddingModel(values['embedding-model']);
  quality = { model: values['embedding-model'] };
  for (const task of [baoxianzhidaoProtocolB(datasets), atecFaqRetrieval(datasets, 'full'), atecFaqRetrieval(datasets, 'small')]) {
    quality[task.name] = await measureDenseQuality(task, model, { batchSize: Number(values['batch-size']), log });
  }
}

const commit = (() => {
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: repositoryRoot }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { cwd: repositoryRoot }).toString().trim() !== '';
    return dirty ? `${head}+uncommitted` : head;
  } catch {
    return 'unknown';
  }
})();
const report = {
  benchmark: 'knowledge-dense',
  date: new Date().toISOString(),
  machine: process.env.KEFU_BENCH_MACHINE ?? 'node-svc 2 cores',
  commit,
  node: process.version,
  latency,
  ...(quality ? { quality } : {}),
};
if (!values['no-record']) appendFileSync(resolve(repositoryRoot, 'bench/RESULTS.md'), markdownOf(report));
console.log(JSON.stringify(report, null, 2));

function markdownOf(run: typeof report): string {
  const l: DenseLatencyResult = run.latency;
  const row = (name: string, t: DenseLatencyResult['bm25']) => `| ${name} | ${t.p50_ms} | ${t.p95_ms} | ${t.cpu_p50_ms} | ${t.cpu_p95_ms} |`;
  const lines = [
    '',
    `## Dense retrieval (fused with BM25) — ${run.date.slice(0, 10)}`,
    '',
    `Machine: ${run.machine}; Node ${run.node}; commit ${run.commit}. Command: \`npx tsx bench/knowledge/dense.ts\`.`,
    '',
    `${l.entries}-entry KB (the retrieval benchmark's), random ${l.dimensions}-dim vectors, ${l.queries} queries, limit 5, each`,
    'query run on both retrievers back to back; the embedding call answers at once (its network time is not included).',
    '',
    '| path | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms |',
    '|---|---|---|---|---|',
    row('BM25 only (baseline, same run)', l.bm25),
    row('fused (BM25 top-20 + vectors top-20, RRF)', l.fused),
    row(`vector search alone, ${l.entries} rows, top-20`, l.vector_search),
    row('vector search alone, 50,000 rows, top-20', l.vector_search_50k),
    '',
    `Fused ÷ BM25: p50 ${l.p50_ratio}×, p95 ${l.p95_ratio}×. Vectors: ${l.vectors_mb} MB in use (${l.vectors_capacity_mb} MB allocated); 50k rows ${l.vectors_50k_mb} MB.`,
  ];
  if (run.quality) {
    lines.push('', `Quality with \`${String(run.quality.model)}\`:`, '', '| set | ranking | hit@1 | hit@5 | MRR@10 |', '|---|---|---|---|---|');
    for (const [set, figures] of Object.entries(run.quality)) {
      if (set === 'model') continue;
      for (const [ranking, f] of Object.entries(figures as Record<string, Record<string, number>>)) {
        lines.push(`| ${set} | ${ranking} | ${f['hit@1']} | ${f['hit@5']} | ${f['mrr@10']} |`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
