/**
 * Retrieval benchmark:
 * `npx tsx bench/knowledge/retrieval.ts [--datasets <dir>] [--engines ours,minisearch] [--no-record]`.
 *
 * Quality on the public FAQ sets (保险知道 protocol B, ATEC FAQ retrieval full and small) beside
 * each README's floor, quoted and recomputed in this run — and on the held-out splits too when a
 * copy of them sits in the datasets folder (`heldOutTasks`: ATEC `queries_test.tsv` or the full
 * `queries.tsv`, 保险知道 `queries_backtranslated.tsv`); then build rate, heap and query latency
 * on a 10k-entry KB made of both sets' entries. Both engines — our BM25 and MiniSearch with the
 * same model — run on the same data. Prints JSON and appends a section to bench/RESULTS.md.
 * Everything runs on the main thread (one core).
 */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluateRetrieval, scoreRankings, type RetrievalEvalResult } from '../../knowledge/eval/retrieval-eval.ts';
import { createBm25Index } from '../../knowledge/index/bm25-index.ts';
import type { KnowledgeIndex } from '../../knowledge/index/knowledge-index.ts';
import { createStaticRetriever } from '../../knowledge/retriever.ts';
import { charBm25Rankings } from './char-bm25-floor.ts';
import { createMiniSearchIndex } from './minisearch-index.ts';
import { appendRetrievalResults } from './retrieval-record.ts';
import { atecFaqRetrieval, baoxianzhidaoProtocolB, heldOutTasks, scaleTask, type RetrievalTask } from './retrieval-datasets.ts';
import { measureScale, type ScaleResult } from './retrieval-scale.ts';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: process.env.KEFU_DATASETS ?? resolve(repositoryRoot, '../shared/datasets') },
    engines: { type: 'string', default: 'ours,minisearch' },
    'no-record': { type: 'boolean', default: false },
  },
});
const datasets = resolve(values.datasets);
if (!existsSync(resolve(datasets, 'baoxianzhidao-faq-zh'))) {
  console.error(`datasets not found in ${datasets} (pass --datasets <dir>)`);
  process.exit(2);
}

/** The floors as the dataset READMEs state them (char BM25). */
const quotedFloors: Record<string, Partial<Pick<RetrievalEvalResult, 'hit@1' | 'hit@5' | 'mrr@10'>>> = {
  'baoxianzhidao-B': { 'hit@1': 0.332, 'hit@5': 0.514, 'mrr@10': 0.408 },
  'atec-full': { 'hit@1': 0.112, 'hit@5': 0.288, 'mrr@10': 0.189 },
  'atec-small': { 'hit@1': 0.232, 'hit@5': 0.522, 'mrr@10': 0.358 },
  'baoxianzhidao-A': { 'hit@1': 0.94, 'mrr@10': 0.95 },
};
/** A README states one floor per protocol, for all its queries: a held-out split (`-test`) shares its set's. */
const quotedFloorOf = (name: string) => quotedFloors[name.replace(/-test$/, '')];
const allEngines: Record<string, () => KnowledgeIndex> = { ours: () => createBm25Index(), minisearch: () => createMiniSearchIndex() };
const engines = Object.fromEntries(values.engines.split(',').map((name) => {
  const create = allEngines[name.trim()];
  if (!create) throw new Error(`unknown engine "${name}" (ours, minisearch)`);
  return [name.trim(), create];
}));

const log = (line: string) => console.error(line);
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

async function quality(task: RetrievalTask) {
  const floor = scoreRankings(
    charBm25Rankings(task.entries, task.queries.map((query) => query.query)),
    task.queries.map((query) => query.goldIds),
  );
  const result: Record<string, unknown> = { entries: task.entries.length, queries: task.queries.length };
  result.floor_quoted = quotedFloorOf(task.name);
  result.floor_computed = floor;
  for (const [name, create] of Object.entries(engines)) {
    const started = performance.now();
    const index = create();
    const retriever = createStaticRetriever(task.entries, { index });
    const buildSeconds = (performance.now() - started) / 1000;
    const evaluated = await evaluateRetrieval(task.entries, task.queries, { retriever });
    const { entries: _entries, queries: _queries, ...figures } = evaluated;
    result[name] = {
      ...figures,
      build_s: round(buildSeconds, 2),
      hit1_vs_quoted_floor: round(evaluated['hit@1'] / (quotedFloorOf(task.name) as { 'hit@1': number })['hit@1']),
      hit1_vs_computed_floor: round(evaluated['hit@1'] / (floor['hit@1'] || 1)),
    };
    log(`${task.name} ${name}: ${JSON.stringify(result[name])}`);
  }
  return result;
}

const tasks = [baoxianzhidaoProtocolB(datasets), atecFaqRetrieval(datasets, 'full'), atecFaqRetrieval(datasets, 'small'), ...heldOutTasks(datasets)];
const results: Record<string, unknown> = {};
for (const task of tasks) results[task.name] = await quality(task);

const scale = scaleTask(datasets, 10_000);
const scaleResults: Record<string, ScaleResult> = {};
for (const [name, create] of Object.entries(engines)) {
  scaleResults[name] = await measureScale(scale, create);
  log(`10k ${name}: ${JSON.stringify(scaleResults[name])}`);
}

const commit = (() => {
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: repositoryRoot }).toString().trim();
    const dirty = execSync('git status --porcelain', { cwd: repositoryRoot }).toString().trim() !== '';
    return dirty ? `${head}+uncommitted` : head;
  } catch {
    return 'unknown';
  }
})();
const report = {
  benchmark: 'knowledge-retrieval',
  date: new Date().toISOString(),
  machine: process.env.KEFU_BENCH_MACHINE ?? 'node-svc 2 cores',
  commit,
  node: process.version,
  quality: results,
  scale_10k: scaleResults,
};
if (!values['no-record']) appendRetrievalResults(resolve(repositoryRoot, 'bench/RESULTS.md'), report);
console.log(JSON.stringify(report, null, 2));
