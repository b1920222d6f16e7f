/**
 * Pinyin-typo tolerance: `npx tsx bench/knowledge/typo-tolerance.ts [--datasets <dir>] [--no-record]`.
 *
 * Customers type Chinese through pinyin input methods, so their typos are same-sounding characters
 * (退宽 for 退款). This runs the demo knowledge base's answer decision with homophone matching off
 * and on, over the team-written typo set (`knowledge/demo/milk-tea-typos.tsv`, one homophone typo
 * in a key word of each message) and the clean golden set (no regression allowed); and, when the
 * public datasets are there, ATEC FAQ retrieval (real, colloquial customer questions with typos)
 * for hit@1 with and without. Prints JSON and appends a section to bench/RESULTS.md.
 */
import { execSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluateAnswers, parseGoldenQueries, type AnswerFigures } from '../../knowledge/answer/answer-evaluation.ts';
import { evaluateRetrieval } from '../../knowledge/eval/retrieval-eval.ts';
import { parseFaqTable } from '../../knowledge/import/faq-table.ts';
import { createBm25Index } from '../../knowledge/index/bm25-index.ts';
import { createStaticRetriever } from '../../knowledge/retriever.ts';
import type { KnowledgeEntry } from '../../knowledge/types.ts';
import { atecFaqRetrieval } from './retrieval-datasets.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: process.env.KEFU_DATASETS ?? resolve(root, '../shared/datasets') },
    'no-record': { type: 'boolean', default: false },
  },
});

const demo = parseFaqTable(readFileSync(resolve(root, 'knowledge/demo/milk-tea-faq.tsv'), 'utf8')).entries;
const typos = parseGoldenQueries(readFileSync(resolve(root, 'knowledge/demo/milk-tea-typos.tsv'), 'utf8'));
const golden = parseGoldenQueries(readFileSync(resolve(root, 'knowledge/demo/milk-tea-golden.tsv'), 'utf8'));

const retrieverOf = (entries: KnowledgeEntry[], homophones: boolean) =>
  createStaticRetriever(entries, { index: createBm25Index({ homophoneWeight: homophones ? undefined : 0 }) });

async function answers(homophones: boolean): Promise<{ typos: AnswerFigures; golden: AnswerFigures }> {
  const retriever = retrieverOf(demo, homophones);
  return {
    typos: (await evaluateAnswers(retriever, typos, { homophones })).figures,
    golden: (await evaluateAnswers(retriever, golden, { homophones })).figures,
  };
}

const pick = ({ handledRate, directRate, wrongAnswerRate, rejectionRate }: AnswerFigures) => ({ handledRate, directRate, wrongAnswerRate, rejectionRate });
const result: Record<string, unknown> = {
  demo_answers: { off: await answers(false), on: await answers(true) },
};
for (const side of ['off', 'on'] as const) {
  const figures = (result.demo_answers as Record<string, { typos: AnswerFigures; golden: AnswerFigures }>)[side]!;
  console.error(`demo ${side}: typos ${JSON.stringify(pick(figures.typos))} golden ${JSON.stringify(pick(figures.golden))}`);
}
if (existsSync(resolve(values.datasets, 'atec-antfin-zh'))) {
  for (const variant of ['small', 'full'] as const) {
    const task = atecFaqRetrieval(resolve(values.datasets), variant);
    const figures: Record<string, unknown> = {};
    for (const homophones of [false, true]) {
      const { 'hit@1': hit1, 'hit@5': hit5, 'mrr@10': mrr, p50_ms, p95_ms } = await evaluateRetrieval(task.entries, task.queries, {
        retriever: retrieverOf(task.entries, homophones),
      });
      figures[homophones ? 'on' : 'off'] = { 'hit@1': hit1, 'hit@5': hit5, 'mrr@10': mrr, p50_ms, p95_ms };
    }
    result[`atec_${variant}`] = figures;
    console.error(`atec ${variant}: ${JSON.stringify(figures)}`);
  }
}
console.log(JSON.stringify(result));

if (!values['no-record']) {
  const commit = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
  const dirty = execSync('git status --porcelain', { cwd: root }).toString().trim() ? ' (uncommitted work tree on top)' : '';
  const load = loadavg().map((value) => value.toFixed(2)).join(' / ');
  const demoAnswers = result.demo_answers as Record<'off' | 'on', { typos: AnswerFigures; golden: AnswerFigures }>;
  const row = (name: string, figures: AnswerFigures) =>
    `| ${name} | ${figures.handledRate} | ${figures.directRate} | ${figures.wrongAnswerRate} | ${figures.outOfScope ? figures.rejectionRate : '—'} |`;
  const lines = [
    '',
    `## Pinyin-typo tolerance (\`bench/knowledge/typo-tolerance.ts\`), ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Commit \`${commit}\`${dirty} · machine \`node-svc\`, ${cpus().length} cores · load average ${load} · Node ${process.version}.`,
    '',
    '| set, homophones | handled | direct answer | wrong answer | out-of-scope rejected |',
    '| --- | ---: | ---: | ---: | ---: |',
    row(`demo typos (${typos.length}), off`, demoAnswers.off.typos),
    row('demo typos, on', demoAnswers.on.typos),
    row(`demo golden (${golden.length}), off`, demoAnswers.off.golden),
    row('demo golden, on', demoAnswers.on.golden),
    '',
    ...['small', 'full'].flatMap((variant) => {
      const figures = result[`atec_${variant}`] as Record<'off' | 'on', Record<string, number>> | undefined;
      return figures
        ? [`ATEC ${variant}: hit@1 ${figures.off['hit@1']} → ${figures.on['hit@1']}, MRR@10 ${figures.off['mrr@10']} → ${figures.on['mrr@10']}, p95 ${figures.off.p95_ms} → ${figures.on.p95_ms} ms.`]
        : [];
    }),
  ];
  appendFileSync(resolve(root, 'bench/RESULTS.md'), `${lines.join('\n')}\n`);
}
