/**
 * ATEC/AFQMC pair scoring (shared/datasets/atec-antfin-zh/README.md, protocol 1): score each
 * question pair with `createUtteranceSimilarity`, report ROC-AUC and best-threshold F1 on label 1,
 * next to the README's floor (char uni+bigram Jaccard) computed on the same rows. Prints JSON only
 * (it records nothing).
 *
 *   npx tsx bench/knowledge/pairs.ts [--datasets ../shared/datasets] [--fit]
 *
 * The pair score's default weights were fitted on the dev rows with even ids, so each score is
 * also reported per half: `dev_odd` is the held-out figure. `--fit` re-fits the weights on each
 * half and prints them with the other half's AUC (`fit_even` → the defaults).
 *
 * The held-out test rows (`id % 5 == 0`) are not in `pairs_dev.tsv`; when a `pairs_test.tsv` of
 * the same format sits beside it, it is scored too, with the F1 threshold fixed on the dev rows.
 * The data is read at run time and never copied into the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { charJaccard } from '../../knowledge/intents/eval/baselines.ts';
import { bestThresholdF1, rocAuc } from '../../knowledge/intents/eval/pair-metrics.ts';
import { round } from '../../knowledge/intents/eval/intent-eval.ts';
import { createUtteranceSimilarity, type UtteranceSimilarity } from '../../knowledge/intents/utterance-similarity.ts';
import { countPairTermStatistics, pairFeatures, pairLogit, pairText, weighPairText, PAIR_FEATURES } from '../../knowledge/text/pair-score.ts';
import { createTextAnalyzer } from '../../knowledge/text/tokenizer.ts';
import { learnWordSubstitutes } from '../../knowledge/text/word-substitutes.ts';
import { fitLogistic } from './pair-fit.ts';

interface Pair {
  id: number;
  left: string;
  right: string;
  label: number;
}

/** Raw ATEC rows: `id<TAB>q1<TAB>q2<TAB>label`, no header, BOMs stripped anywhere. */
function readPairs(path: string): Pair[] {
  return readFileSync(path, 'utf8')
    .replaceAll('\ufeff', '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const [id, left, right, label] = line.split('\t');
      if (left === undefined || right === undefined || (label !== '0' && label !== '1')) {
        throw new Error(`${path}:${index + 1}: expected id, q1, q2, label (0/1)`);
      }
      return { id: Number(id), left, right, label: Number(label) };
    });
}

function score(pairs: readonly Pair[], similarity: UtteranceSimilarity, threshold?: number): Record<string, number> {
  const scores = pairs.map((pair) => similarity(pair.left, pair.right));
  const labels = pairs.map((pair) => pair.label);
  const best = bestThresholdF1(scores, labels);
  const result: Record<string, number> = { auc: round(rocAuc(scores, labels)), best_f1: round(best.f1), threshold: round(best.threshold) };
  if (threshold !== undefined) {
    let truePositives = 0;
    let predicted = 0;
    scores.forEach((value, index) => {
      if (value >= threshold) {
        predicted++;
        truePositives += labels[index]!;
      }
    });
    const positives = labels.reduce((sum, label) => sum + label, 0);
    result.f1_at_dev_threshold = round((2 * truePositives) / (predicted + positives));
  }
  return result;
}

const { values } = parseArgs({ options: { datasets: { type: 'string' }, fit: { type: 'boolean', default: false } } });
const datasets = resolve(values.datasets ?? process.env.KEFU_DATASETS ?? '../shared/datasets');
const folder = join(datasets, 'atec-antfin-zh');
const dev = readPairs(join(folder, 'pairs_dev.tsv'));
const testPath = join(folder, 'pairs_test.tsv');
const test = existsSync(testPath) ? readPairs(testPath) : undefined;

// idf from unlabelled text only: the FAQ questions and the dev questions.
const faqQuestions = readFileSync(join(folder, 'faq_kb.tsv'), 'utf8').split(/\r?\n/).slice(1).map((line) => line.split('\t')[1] ?? '').filter(Boolean);
const corpus = [...faqQuestions, ...dev.flatMap((pair) => [pair.left, pair.right])];
const similarity = createUtteranceSimilarity(corpus, { method: 'jaccard' });
// Word substitutes are learned from the knowledge base's questions, as the retriever's index does.
const pairScore = createUtteranceSimilarity(corpus, { substituteCorpus: faqQuestions });
// Domain knowledge an operator would configure, not fitted on the pairs: the two products differ.
const withProducts = createUtteranceSimilarity(corpus, { method: 'jaccard', exclusiveTerms: [['花呗', '借呗']] });
const pairWithProducts = createUtteranceSimilarity(corpus, { exclusiveTerms: [['花呗', '借呗']], substituteCorpus: faqQuestions });
const jaccard: UtteranceSimilarity = (left, right) => charJaccard(left, right);
const half = (parity: number) => dev.filter((pair) => pair.id % 2 === parity);
const halves = (similarity_: UtteranceSimilarity) => ({ dev_even: score(half(0), similarity_), dev_odd: score(half(1), similarity_) });

const started = performance.now();
const report: Record<string, unknown> = {
  benchmark: 'atec-pairs',
  rows: { dev: dev.length, dev_positive: dev.filter((pair) => pair.label === 1).length, test: test?.length ?? null },
  readme_floor_test: { auc: 0.682, best_f1: 0.435, method: 'char uni+bigram Jaccard on id%5==0 rows' },
  dev: {
    floor_jaccard: score(dev, jaccard),
    idf_jaccard: score(dev, similarity),
    idf_jaccard_exclusive_products: score(dev, withProducts),
    pair_score: score(dev, pairScore),
    pair_score_exclusive_products: score(dev, pairWithProducts),
  },
  halves: { floor_jaccard: halves(jaccard), idf_jaccard: halves(similarity), pair_score: halves(pairScore) },
};
if (values.fit) {
  // Same statistics as createUtteranceSimilarity(corpus): the FAQ questions and the pairs' text.
  const analyzer = createTextAnalyzer();
  const statistics = countPairTermStatistics(corpus.map((text) => analyzer.analyze(text)));
  const substitutes = learnWordSubstitutes([...new Set(faqQuestions)].map((text) => analyzer.analyze(text).words));
  const prepare = (text: string) => weighPairText(pairText(text, analyzer.analyze(text)), statistics);
  const features = new Map(dev.map((pair) => [pair, pairFeatures(prepare(pair.left), prepare(pair.right), substitutes)]));
  const fit = (train: Pair[], test: Pair[]) => {
    const weights = fitLogistic(train.map((pair) => features.get(pair)!), train.map((pair) => pair.label));
    const scores = test.map((pair) => pairLogit(features.get(pair)!, weights));
    return { features: PAIR_FEATURES, ...weights, held_out_auc: round(rocAuc(scores, test.map((pair) => pair.label))) };
  };
  report.fit_even = fit(half(0), half(1));
  report.fit_odd = fit(half(1), half(0));
}
if (test) {
  const devThreshold = (similarity_: UtteranceSimilarity) =>
    bestThresholdF1(dev.map((pair) => similarity_(pair.left, pair.right)), dev.map((pair) => pair.label)).threshold;
  report.test = {
    floor_jaccard: score(test, jaccard, devThreshold(jaccard)),
    idf_jaccard: score(test, similarity, devThreshold(similarity)),
    idf_jaccard_exclusive_products: score(test, withProducts, devThreshold(withProducts)),
    pair_score: score(test, pairScore, devThreshold(pairScore)),
  };
}
report.ms = Math.round(performance.now() - started);
console.log(JSON.stringify(report));
