/**
 * Similarity of two short utterances ("do these two questions ask the same thing?"), the score
 * behind an answer-or-hand-off threshold. Default: the question-pair score of
 * `../text/pair-score.ts` (overlap plus what is left over: unmatched content words, near-miss
 * words and their substitutes, a one-sided negation, order), as a probability — ROC-AUC 0.77 on
 * the ATEC pairs against 0.70 for `method: 'jaccard'`, the idf-weighted Jaccard of character
 * unigrams+bigrams that it replaced (which beat the cosine of the classifier's TF-IDF vectors,
 * 0.67–0.69). See README.md.
 */
import { countPairTermStatistics, DEFAULT_PAIR_WEIGHTS, pairFeatures, pairLogit, pairText, weighPairText, type PairWeights } from '../text/pair-score.ts';
import { createTextAnalyzer, type TextAnalyzer } from '../text/tokenizer.ts';
import { learnWordSubstitutes } from '../text/word-substitutes.ts';
import { normalizeUtterance } from './features.ts';

/** Options of {@link createUtteranceSimilarity}. */
export interface UtteranceSimilarityOptions {
  /**
   * `pair` (default): the logistic question-pair score of `text/pair-score.ts`, in 0–1.
   * `jaccard`: idf-weighted Jaccard of character unigrams+bigrams (the earlier score).
   */
  method?: 'pair' | 'jaccard';
  /** Analyzer of the pair score (a workspace lexicon's); default: the built-in one. */
  analyzer?: TextAnalyzer;
  /** Weights of the pair score; default `DEFAULT_PAIR_WEIGHTS` (fitted on ATEC pairs). */
  weights?: PairWeights;
  /**
   * Groups of terms that name different things and must not be confused, e.g.
   * `[['花呗', '借呗']]`: when one utterance has one member and the other a different member
   * (and not the first), the similarity is multiplied by `exclusivePenalty`.
   */
  exclusiveTerms?: readonly (readonly string[])[];
  /** Factor applied on an exclusive-term clash; default 0.5. */
  exclusivePenalty?: number;
  /**
   * Texts the pair score learns word substitutes from (`text/word-substitutes.ts`): the knowledge
   * base's questions, whose wording is consistent; fewer than 1,000 distinct texts teach none.
   * Default: `corpus`.
   */
  substituteCorpus?: readonly string[];
}

/** Scores utterance pairs in 0–1, higher = more likely the same question. */
export interface UtteranceSimilarity {
  (left: string, right: string): number;
}

function units(text: string): Set<string> {
  const normalized = normalizeUtterance(text);
  const tokens = normalized.match(/\p{Script=Han}|[\p{L}\p{N}]+|\*+/gu) ?? [];
  const set = new Set<string>(tokens);
  for (let index = 1; index < tokens.length; index++) set.add(`${tokens[index - 1]}${tokens[index]}`);
  return set;
}

/** Idf-weighted Jaccard of character unigram+bigram sets; 1 for identical sets. */
function createJaccard(corpus: readonly string[]): UtteranceSimilarity {
  const documentFrequency = new Map<string, number>();
  for (const text of corpus) for (const unit of units(text)) documentFrequency.set(unit, (documentFrequency.get(unit) ?? 0) + 1);
  const idf = (unit: string): number => Math.log((corpus.length + 1) / (1 + (documentFrequency.get(unit) ?? 0)));
  return (left, right) => {
    const a = units(left);
    const b = units(right);
    let shared = 0;
    let union = 0;
    for (const unit of a) {
      const weight = idf(unit);
      union += weight;
      if (b.has(unit)) shared += weight;
    }
    for (const unit of b) if (!a.has(unit)) union += idf(unit);
    return union > 0 ? shared / union : 0;
  };
}

function createPairScore(corpus: readonly string[], options: UtteranceSimilarityOptions): UtteranceSimilarity {
  const analyzer = options.analyzer ?? createTextAnalyzer();
  const weights = options.weights ?? DEFAULT_PAIR_WEIGHTS;
  const analyzed = new Map(corpus.map((text) => [text, analyzer.analyze(text)]));
  const statistics = countPairTermStatistics(corpus.map((text) => analyzed.get(text)!));
  const substituteTexts = [...new Set(options.substituteCorpus ?? corpus)];
  const substitutes = learnWordSubstitutes(substituteTexts.map((text) => (analyzed.get(text) ?? analyzer.analyze(text)).words));
  const prepare = (text: string) => weighPairText(pairText(text, analyzer.analyze(text)), statistics);
  return (left, right) => 1 / (1 + Math.exp(-pairLogit(pairFeatures(prepare(left), prepare(right), substitutes), weights)));
}

/**
 * Builds the similarity with term statistics from `corpus` (any representative utterances: the FAQ
 * questions, past customer messages). Terms unseen in the corpus get the highest idf.
 */
export function createUtteranceSimilarity(corpus: readonly string[], options: UtteranceSimilarityOptions = {}): UtteranceSimilarity {
  const score = options.method === 'jaccard' ? createJaccard(corpus) : createPairScore(corpus, options);
  const groups = (options.exclusiveTerms ?? []).map((group) => group.map((term) => normalizeUtterance(term)));
  if (groups.length === 0) return score;
  const penalty = options.exclusivePenalty ?? 0.5;
  const clashes = (left: string, right: string): boolean =>
    groups.some((group) => {
      const inLeft = group.filter((term) => left.includes(term));
      const inRight = group.filter((term) => right.includes(term));
      return inLeft.length > 0 && inRight.length > 0 && !inLeft.some((term) => inRight.includes(term));
    });
  return (left, right) => {
    const similarity = score(left, right);
    return clashes(normalizeUtterance(left), normalizeUtterance(right)) ? similarity * penalty : similarity;
  };
}
