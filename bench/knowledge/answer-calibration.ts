/**
 * Answer-confidence calibration: `npx tsx bench/knowledge/answer-calibration.ts [--datasets <dir>]`.
 *
 * 1. Fits the logistic from evidence to "the best hit is right" on the tuning half (odd data rows)
 *    of the demo golden set — the source of `defaultCalibration` — and prints the figures of both
 *    halves at the default thresholds.
 * 2. When the public datasets are there, checks how that calibration transfers to another base:
 *    ATEC FAQ retrieval (small, all messages in scope), per confidence band, mean confidence beside
 *    the share of messages whose best hit is right.
 * Prints one JSON object as the last line. Nothing is recorded in RESULTS.md (seconds, not a benchmark).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decideAnswer, defaultCalibration, type Calibration } from '../../knowledge/answer/answer-decision.ts';
import { answerEvidence } from '../../knowledge/answer/answer-evidence.ts';
import { evaluateAnswers, figuresOf, parseGoldenQueries, type GoldenQuery } from '../../knowledge/answer/answer-evaluation.ts';
import { parseFaqTable } from '../../knowledge/import/faq-table.ts';
import { createStaticRetriever } from '../../knowledge/retriever.ts';
import type { KnowledgeRetriever } from '../../knowledge/types.ts';
import { atecFaqRetrieval } from './retrieval-datasets.ts';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: { datasets: { type: 'string', default: process.env.KEFU_DATASETS ?? resolve(repositoryRoot, '../shared/datasets') } },
});

interface Sample {
  evidence: number;
  right: boolean;
}

async function samplesOf(retriever: KnowledgeRetriever, queries: readonly GoldenQuery[]): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const { query, goldIds } of queries) {
    const hits = await retriever.retrieve('bench', query, { limit: 3 });
    const best = hits[0]?.entry.id;
    samples.push({ evidence: answerEvidence(query, hits).evidence, right: best !== undefined && goldIds.includes(best) });
  }
  return samples;
}

/** Logistic regression of `right` on evidence (samples with evidence 0 are certain misses by definition). */
function fitCalibration(samples: readonly Sample[]): Calibration {
  const informative = samples.filter((sample) => sample.evidence > 0);
  let intercept = 0;
  let slope = 0;
  for (let step = 0; step < 50_000; step++) {
    let gradientIntercept = 0;
    let gradientSlope = 0;
    for (const { evidence, right } of informative) {
      const error = 1 / (1 + Math.exp(-(intercept + slope * evidence))) - (right ? 1 : 0);
      gradientIntercept += error;
      gradientSlope += error * evidence;
    }
    intercept -= (0.5 * gradientIntercept) / informative.length;
    slope -= (0.5 * gradientSlope) / informative.length;
  }
  return { intercept: round(intercept), slope: round(slope) };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

const bands = [0, 0.2, 0.5, 0.85, 1.01];

/** Per confidence band: messages, mean confidence, share whose best hit is right. */
async function reliability(retriever: KnowledgeRetriever, queries: readonly GoldenQuery[]) {
  const rows = bands.slice(0, -1).map((low, index) => ({ band: `${low}–${Math.min(1, bands[index + 1] as number)}`, messages: 0, confidence: 0, right: 0 }));
  for (const { query, goldIds } of queries) {
    const hits = await retriever.retrieve('bench', query, { limit: 3 });
    const { confidence } = decideAnswer(query, hits);
    const row = rows[bands.findIndex((high) => confidence < high) - 1];
    if (!row) continue;
    row.messages++;
    row.confidence += confidence;
    if (hits[0] && goldIds.includes(hits[0].entry.id)) row.right++;
  }
  return rows.map((row) => ({
    band: row.band,
    messages: row.messages,
    mean_confidence: row.messages ? round(row.confidence / row.messages) : null,
    best_hit_right: row.messages ? round(row.right / row.messages) : null,
  }));
}

const demo = resolve(repositoryRoot, 'knowledge/demo');
const table = parseFaqTable(readFileSync(resolve(demo, 'milk-tea-faq.tsv'), 'utf8'), { sourceName: 'milk-tea-faq.tsv' });
const golden = parseGoldenQueries(readFileSync(resolve(demo, 'milk-tea-golden.tsv'), 'utf8'));
const tuning = golden.filter((_, index) => index % 2 === 0);
const heldOut = golden.filter((_, index) => index % 2 === 1);
const demoRetriever = createStaticRetriever(table.entries);

const fitted = fitCalibration(await samplesOf(demoRetriever, tuning));
console.error(`fitted on ${tuning.length} tuning rows: ${JSON.stringify(fitted)} (in use: ${JSON.stringify(defaultCalibration)})`);
const { results } = await evaluateAnswers(demoRetriever, golden);
const report: Record<string, unknown> = {
  fitted_calibration: fitted,
  default_calibration: defaultCalibration,
  demo_tuning: figuresOf(results.filter((_, index) => index % 2 === 0)),
  demo_held_out: figuresOf(results.filter((_, index) => index % 2 === 1)),
  demo_held_out_reliability: await reliability(demoRetriever, heldOut),
};

const datasets = resolve(values.datasets);
if (existsSync(resolve(datasets, 'atec-antfin-zh'))) {
  const atec = atecFaqRetrieval(datasets, 'small');
  const atecQueries = atec.queries.map((query, index) => ({ line: index + 2, ...query }));
  const atecRetriever = createStaticRetriever(atec.entries);
  console.error(`ATEC small: ${atec.entries.length} entries, ${atecQueries.length} dev messages`);
  report.atec_small = (await evaluateAnswers(atecRetriever, atecQueries)).figures;
  report.atec_small_reliability = await reliability(atecRetriever, atecQueries);
} else {
  console.error(`datasets not found in ${datasets}; ATEC check skipped`);
}
console.log(JSON.stringify(report));
