/**
 * "Do these two questions ask the same thing?" — a logistic combination of nine lexical features
 * of a question pair. One score serves two places: `createUtteranceSimilarity` (pair scoring, the
 * answer-or-hand-off score) and the BM25 index's re-ranking of its best question matches (which
 * leaves out the ninth, word substitutes: see `word-substitutes.ts`).
 *
 * Overlap alone (idf-weighted Jaccard) stalls near ROC-AUC 0.70 on the ATEC pairs, because a pair
 * usually shares most of its words: what tells "same question" from "different question" is what
 * is *left over* — a content word of one side with no counterpart on the other, a negation on one
 * side only, a different order. The features measure that, with term weights from the corpus (the
 * knowledge base's own questions) and from general Chinese (`termInformation`). They are generic
 * (no product or domain words); the weights were fitted on half of the ATEC dev pairs and checked on
 * the other half (`intents/README.md`, "ATEC pairs"; `README.md`, "What was tried").
 */
import { termInformation } from '../answer/term-information.ts';
import { normalizeText } from './normalize.ts';
import type { AnalyzedText } from './tokenizer.ts';
import type { WordSubstitutes } from './word-substitutes.ts';

/** Document frequencies of the terms of a corpus of questions, by analyzer family. */
export interface PairTermStatistics {
  /** Number of questions. */
  readonly documents: number;
  /** Questions containing the word / the character / the character bigram. */
  words(term: string): number;
  characters(term: string): number;
  grams(term: string): number;
}

/** One side of a pair, prepared once: the compact text and the analyzer's terms, each once. */
export interface PairText {
  /** Normalised text without spaces. */
  compact: string;
  words: readonly string[];
  characters: readonly string[];
  grams: readonly string[];
}

/** Prepare a text for pair scoring from its analysis (`TextAnalyzer.analyze`). */
export function pairText(text: string, analyzed: AnalyzedText): PairText {
  return {
    compact: normalizeText(text).replaceAll(' ', ''),
    words: [...new Set(analyzed.words)],
    characters: [...new Set(analyzed.characters)],
    grams: [...new Set(analyzed.grams)],
  };
}

/** Counts document frequencies over a fixed corpus (for pair scoring outside an index). */
export function countPairTermStatistics(corpus: Iterable<AnalyzedText>): PairTermStatistics {
  const families = { words: new Map<string, number>(), characters: new Map<string, number>(), grams: new Map<string, number>() };
  let documents = 0;
  for (const analyzed of corpus) {
    documents++;
    for (const family of ['words', 'characters', 'grams'] as const) {
      for (const term of new Set(analyzed[family])) families[family].set(term, (families[family].get(term) ?? 0) + 1);
    }
  }
  return {
    documents,
    words: (term) => families.words.get(term) ?? 0,
    characters: (term) => families.characters.get(term) ?? 0,
    grams: (term) => families.grams.get(term) ?? 0,
  };
}

/** Feature names, in the order of {@link pairFeatures} and of the weights. */
export const PAIR_FEATURES = [
  'overlap',
  'unmatchedWords',
  'unmatchedInformation',
  'nearWords',
  'negationMismatch',
  'lengthDifference',
  'commonSubsequence',
  'commonSubstring',
  'substituteWords',
] as const;

/** Bias and one weight per feature of {@link PAIR_FEATURES}. */
export interface PairWeights {
  bias: number;
  weights: readonly number[];
}

/**
 * Fitted by logistic regression on the ATEC dev pairs with even ids (15.7k pairs, statistics from
 * the ATEC FAQ questions and the pairs' text, substitutes from the FAQ questions); ROC-AUC on the
 * odd ids 0.768 (0.754 without `substituteWords`; idf Jaccard 0.70). Re-fit with
 * `bench/knowledge/pairs.ts --fit`.
 */
export const DEFAULT_PAIR_WEIGHTS: PairWeights = {
  bias: -2.116,
  weights: [3.164, -1.675, -1.206, 2.619, -0.771, 1.141, 3.143, -1.383, 6.604],
};

/**
 * One side of a pair with its term weights looked up. Characters and bigrams are `units`, each
 * identified by a key that is equal on both sides for the same term of the same family: a tagged
 * string here, the term's posting in an index (`index/bm25-index.ts`).
 */
export interface PairSide {
  compact: string;
  negated: boolean;
  /** Distinct words, their corpus idf and general-language informativeness (same positions). */
  words: readonly string[];
  wordIdf: readonly number[];
  wordInformation: readonly number[];
  units: readonly unknown[];
  unitIdf: readonly number[];
  unitTotal: number;
}

/** The side that is scored against many others (the message): its units as a set too. */
export interface PairQuery extends PairSide {
  unitSet: ReadonlySet<unknown>;
}

const NEGATION = /[不没未无别非]/;
/** termInformation per word, memoised (its regex test dominates otherwise); cleared when large. */
const informationMemo = new Map<string, number>();

/** `termInformation`, memoised. */
export function wordInformation(word: string): number {
  let value = informationMemo.get(word);
  if (value === undefined) {
    if (informationMemo.size > 100_000) informationMemo.clear();
    informationMemo.set(word, (value = termInformation(word)));
  }
  return value;
}

/** Whether a normalised text holds a negation (不/没/未/无/别/非). */
export function isNegated(compact: string): boolean {
  return NEGATION.test(compact);
}

/** idf = ln((N + 1) / (1 + df)), the weight of every feature's terms. */
export function pairIdf(documents: number, frequency: number): number {
  return Math.log((documents + 1) / (1 + frequency));
}

/** Look up the weights of a text's terms in `statistics`. */
export function weighPairText(text: PairText, statistics: PairTermStatistics): PairQuery {
  const { documents } = statistics;
  const units: string[] = [];
  const unitIdf: number[] = [];
  let unitTotal = 0;
  const add = (key: string, frequency: number) => {
    const weight = pairIdf(documents, frequency);
    units.push(key);
    unitIdf.push(weight);
    unitTotal += weight;
  };
  for (const character of text.characters) add(`c${character}`, statistics.characters(character));
  for (const gram of text.grams) add(`g${gram}`, statistics.grams(gram));
  return {
    compact: text.compact,
    negated: isNegated(text.compact),
    words: text.words,
    wordIdf: text.words.map((word) => pairIdf(documents, statistics.words(word))),
    wordInformation: text.words.map(wordInformation),
    units,
    unitIdf,
    unitTotal,
    unitSet: new Set(units),
  };
}

/**
 * The features of a pair, all in 0..1 and symmetric (`substitutes`: which words the knowledge base's
 * questions use interchangeably, `word-substitutes.ts`; without it `substituteWords` is 0, as in the
 * index's re-ranking, which orders candidates by the other features):
 * - `overlap`: idf-weighted Jaccard of the characters and bigrams;
 * - `unmatchedWords`: idf share of the words that have no equal, containing or contained word on
 *   the other side; `unmatchedInformation`: the same share weighted by general-language
 *   informativeness;
 * - `nearWords`: of the unmatched words, the idf-weighted best character Dice with an unmatched
 *   word of the other side (还款 / 还钱: a near miss, not a different topic);
 * - `negationMismatch`: 1 when only one side holds 不/没/未/无/别/非;
 * - `lengthDifference`, `commonSubsequence` (longest common subsequence ÷ the longer length),
 *   `commonSubstring` (longest common substring ÷ the shorter length);
 * - `substituteWords`: of the unmatched words, the idf-weighted best substitute similarity with an
 *   unmatched word of the other side (逾期 / 推迟: the same question in other words).
 */
export function pairFeatures(query: PairQuery, other: PairSide, substitutes?: WordSubstitutes): number[] {
  let shared = 0;
  for (let index = 0; index < other.units.length; index++) {
    if (query.unitSet.has(other.units[index])) shared += other.unitIdf[index] as number;
  }
  const union = query.unitTotal + other.unitTotal - shared;

  const unmatchedQuery = unmatchedWords(query.words, other.words);
  const unmatchedOther = unmatchedWords(other.words, query.words);
  const querySums = leftovers(query, unmatchedQuery, other, unmatchedOther, substitutes);
  const otherSums = leftovers(other, unmatchedOther, query, unmatchedQuery, substitutes);
  const wordTotal = querySums.wordTotal + otherSums.wordTotal;
  const informationTotal = querySums.informationTotal + otherSums.informationTotal;
  const unmatchedIdf = querySums.unmatchedIdf + otherSums.unmatchedIdf;

  const a = query.compact;
  const b = other.compact;
  const longer = Math.max(1, a.length, b.length);
  return [
    union > 0 ? shared / union : 0,
    wordTotal > 0 ? unmatchedIdf / wordTotal : 0,
    informationTotal > 0 ? (querySums.unmatchedInformation + otherSums.unmatchedInformation) / informationTotal : 0,
    unmatchedIdf > 0 ? (querySums.near + otherSums.near) / unmatchedIdf : 0,
    query.negated !== other.negated ? 1 : 0,
    Math.abs(a.length - b.length) / longer,
    commonSubsequence(a, b) / longer,
    commonSubstring(a, b) / Math.max(1, Math.min(a.length, b.length)),
    unmatchedIdf > 0 ? (querySums.substituted + otherSums.substituted) / unmatchedIdf : 0,
  ];
}

/** One side's word weight sums, and those of its unmatched words (with their near-miss and substitute credit). */
function leftovers(side: PairSide, unmatched: readonly number[], other: PairSide, otherUnmatched: readonly number[], substitutes?: WordSubstitutes) {
  let wordTotal = 0;
  let informationTotal = 0;
  for (let index = 0; index < side.words.length; index++) {
    wordTotal += side.wordIdf[index] as number;
    informationTotal += side.wordInformation[index] as number;
  }
  let unmatchedIdf = 0;
  let unmatchedInformation = 0;
  let near = 0;
  let substituted = 0;
  for (const index of unmatched) {
    const weight = side.wordIdf[index] as number;
    const word = side.words[index] as string;
    unmatchedIdf += weight;
    unmatchedInformation += side.wordInformation[index] as number;
    let best = 0;
    let bestSubstitute = 0;
    for (const otherIndex of otherUnmatched) {
      const otherWord = other.words[otherIndex] as string;
      best = Math.max(best, characterDice(word, otherWord));
      if (substitutes) bestSubstitute = Math.max(bestSubstitute, substitutes.similarity(word, otherWord));
    }
    near += weight * best;
    substituted += weight * bestSubstitute;
  }
  return { wordTotal, informationTotal, unmatchedIdf, unmatchedInformation, near, substituted };
}

/** The pair's log-odds of "same question" under `weights`. */
export function pairLogit(features: readonly number[], weights: PairWeights = DEFAULT_PAIR_WEIGHTS): number {
  let logit = weights.bias;
  for (let index = 0; index < features.length; index++) logit += (features[index] as number) * (weights.weights[index] ?? 0);
  return logit;
}

/** Positions of the words of `words` with no equal, containing or contained word in `others`. */
function unmatchedWords(words: readonly string[], others: readonly string[]): number[] {
  const unmatched: number[] = [];
  outer: for (let index = 0; index < words.length; index++) {
    const word = words[index] as string;
    if (others.includes(word)) continue;
    for (const other of others) if (other.includes(word) || word.includes(other)) continue outer;
    unmatched.push(index);
  }
  return unmatched;
}

/** Dice coefficient of two words' character sets (char codes: no one-character strings made). */
function characterDice(left: string, right: string): number {
  let shared = 0;
  const leftDistinct = distinctCodes(left);
  for (let index = 0; index < left.length; index++) {
    const code = left.charCodeAt(index);
    if (firstOccurrence(left, code, index) && occurs(right, code)) shared++;
  }
  return (2 * shared) / (leftDistinct + distinctCodes(right));
}

function occurs(text: string, code: number): boolean {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) === code) return true;
  return false;
}

function firstOccurrence(text: string, code: number, position: number): boolean {
  for (let index = 0; index < position; index++) if (text.charCodeAt(index) === code) return false;
  return true;
}

function distinctCodes(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) if (firstOccurrence(text, text.charCodeAt(index), index)) count++;
  return count;
}

/** One row of the dynamic programmes below, reused (texts are short; grown when needed). */
let row = new Int32Array(64);
function clearedRow(length: number): Int32Array {
  if (row.length < length) row = new Int32Array(length * 2);
  row.fill(0, 0, length);
  return row;
}

function commonSubsequence(a: string, b: string): number {
  const row = clearedRow(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const code = a.charCodeAt(i - 1);
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = code === b.charCodeAt(j - 1) ? diagonal + 1 : Math.max(above, row[j - 1] as number);
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

function commonSubstring(a: string, b: string): number {
  const row = clearedRow(b.length + 1);
  let best = 0;
  for (let i = 1; i <= a.length; i++) {
    const code = a.charCodeAt(i - 1);
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = code === b.charCodeAt(j - 1) ? diagonal + 1 : 0;
      if ((row[j] as number) > best) best = row[j] as number;
      diagonal = above;
    }
  }
  return best;
}
