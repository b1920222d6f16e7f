/**
 * The two sides of the question-pair score (`../text/pair-score.ts`) as the BM25 index builds
 * them for re-ranking: a stored question, kept as its terms' postings (their live counts give the
 * idf at query time, so removals are reflected), and the customer's message, whose terms are keyed
 * by the same postings.
 */
import { normalizeText } from '../text/normalize.ts';
import { isNegated, wordInformation, type PairQuery, type PairSide } from '../text/pair-score.ts';
import type { AnalyzedText } from '../text/tokenizer.ts';
import type { Posting } from './bm25-scoring.ts';

/** The question space's postings by length slot (0 words, 1 bigrams, 2 characters); undefined when that family is weighted 0. */
export type QuestionPostings = (lengthSlot: number) => Map<string, Posting> | undefined;

/** The idf of a term in the question space, from its posting (undefined: the index lacks it). */
export type PostingIdf = (posting: Posting | undefined) => number;

/** A question unit as re-ranking reads it. */
export interface QuestionPair {
  compact: string;
  /** Distinct words joined by spaces (analyzer words hold none): one string, not one per word. */
  words: string;
  wordPostings: Array<Posting | undefined>;
  units: Posting[];
}

/** The character and bigram terms of `analyzed`, with the length slot of each family. */
const unitFamilies = (analyzed: AnalyzedText) => [[2, analyzed.characters], [1, analyzed.grams]] as const;

/** What re-ranking keeps of a stored question. */
export function questionPairOf(text: string, analyzed: AnalyzedText, questionPostings: QuestionPostings): QuestionPair {
  const words = [...new Set(analyzed.words)];
  const wordPostings = questionPostings(0);
  const units: Posting[] = [];
  for (const [lengthSlot, terms] of unitFamilies(analyzed)) {
    const postings = questionPostings(lengthSlot);
    if (!postings) continue;
    for (const term of new Set(terms)) {
      const posting = postings.get(term);
      if (posting) units.push(posting);
    }
  }
  return { compact: normalizeText(text).replaceAll(' ', ''), words: words.join(' '), wordPostings: words.map((word) => wordPostings?.get(word)), units };
}

/** A stored question as a pair side, with the idf of now. */
export function questionSide(stored: QuestionPair, idf: PostingIdf): PairSide {
  const words = stored.words === '' ? [] : stored.words.split(' ');
  const unitIdf = stored.units.map(idf);
  let unitTotal = 0;
  for (const weight of unitIdf) unitTotal += weight;
  return {
    compact: stored.compact,
    negated: isNegated(stored.compact),
    words,
    wordIdf: stored.wordPostings.map(idf),
    wordInformation: words.map(wordInformation),
    units: stored.units,
    unitIdf,
    unitTotal,
  };
}

/** The message as a pair side: its terms keyed by their postings (a term unknown to the index by itself). */
export function messageSide(query: string, analyzed: AnalyzedText, idf: PostingIdf, questionPostings: QuestionPostings): PairQuery {
  const compact = normalizeText(query).replaceAll(' ', '');
  const words = [...new Set(analyzed.words)];
  const wordPostings = questionPostings(0);
  const units: unknown[] = [];
  const unitIdf: number[] = [];
  let unitTotal = 0;
  for (const [lengthSlot, terms] of unitFamilies(analyzed)) {
    const postings = questionPostings(lengthSlot);
    if (!postings) continue;
    for (const term of new Set(terms)) {
      const posting = postings.get(term);
      const weight = idf(posting);
      units.push(posting ?? `${lengthSlot}${term}`);
      unitIdf.push(weight);
      unitTotal += weight;
    }
  }
  return {
    compact,
    negated: isNegated(compact),
    words,
    wordIdf: words.map((word) => idf(wordPostings?.get(word))),
    wordInformation: words.map(wordInformation),
    units,
    unitIdf,
    unitTotal,
    unitSet: new Set(units),
  };
}
