/**
 * Our own BM25 over FAQ questions, their variants and answers. Every question variant is its own
 * scoring unit and an entry takes the score of its best variant (a customer's message paraphrases
 * one stored question, not the average of them), plus the answer's score at a lower weight.
 * Entries without questions (document chunks, answer-only tables) are scored on their text alone.
 *
 * Each unit is indexed in several term spaces with their own statistics: words, character bigrams
 * and (questions) characters, or (answers) words without interrogatives, bigrams and the bigrams
 * of the answer's opening, where an answer addresses its question. Add and remove are
 * incremental: removed units are skipped at query time and swept out once they pile up.
 * The best candidates with questions are then re-ranked by the question-pair score
 * (`../text/pair-score.ts`).
 */
import type { KnowledgeEntry, RetrievalHit } from '../types.ts';
import { interrogativeWords } from '../text/stopwords.ts';
import { createHomophoneTable } from '../text/homophones.ts';
import { createTextAnalyzer, type AnalyzedText, type TextAnalyzer } from '../text/tokenizer.ts';
import { DEFAULT_PAIR_WEIGHTS, pairFeatures, pairIdf, pairLogit, type PairWeights } from '../text/pair-score.ts';
import { bodyOf, questionsOf, type KnowledgeIndex } from './knowledge-index.ts';
import { accumulate, addToPosting, entersTop, insertTop, type Posting } from './bm25-scoring.ts';
import { messageSide, questionPairOf, questionSide, type QuestionPair } from './question-pairs.ts';

/** BM25 saturation (`k1`) and length normalisation (`b`) of one field. */
export interface FieldParameters {
  k1: number;
  b: number;
}

/** Relative weights of the term spaces (words count 1). */
export interface TermWeights {
  grams: number;
  questionCharacters: number;
  answerLead: number;
}

export interface Bm25Options {
  /** Analyzer for index and query text; default: jieba + bigrams with the built-in lexicon. */
  analyzer?: TextAnalyzer;
  /** Question and variant units; default k1 1.2, b 0.75. */
  question?: FieldParameters;
  /** Answer (or passage) units; default k1 1.2, b 0.75. */
  answer?: FieldParameters;
  /** Weight of the answer's score for entries that have questions; default 0.3. */
  answerWeight?: number;
  /** Default: grams 0.5, questionCharacters 0.3, answerLead 0.7 (tuned in `bench/knowledge`). */
  weights?: Partial<TermWeights>;
  /** Characters of an answer that count as its opening; default 40. */
  leadLength?: number;
  /**
   * Weight of a homophone stand-in (`text/homophones.ts`): a query word or bigram the index has
   * never seen matches indexed terms that sound the same at this fraction of their weight; 0
   * turns it off. Default 0.3: it lifts short typo'd messages (退宽 → refund, 会圆 → membership)
   * and leaves the public sets unchanged within ±0.001 hit@1 (`bench/knowledge/typo-tolerance.ts`).
   */
  homophoneWeight?: number;
  /**
   * Re-ranking of the best BM25 candidates that have questions by the question-pair score
   * (`text/pair-score.ts`) of the message against each of their questions (the best one), plus
   * `lexicalWeight` × BM25 score ÷ the top BM25 score. Only candidates scoring at least
   * `minLexicalShare` × the top BM25 score take part; the others, and entries without questions,
   * keep their places. Hits keep their BM25 `score`. Default `{ candidates: 20, lexicalWeight: 1,
   * minLexicalShare: 0.5, weights: DEFAULT_PAIR_WEIGHTS }`; `false` turns it off. On the ATEC dev
   * queries it lifts hit@1 by ~0.04 (small) and ~0.015 (full); README "What was tried".
   */
  rerank?: false | { candidates?: number; lexicalWeight?: number; minLexicalShare?: number; weights?: PairWeights };
}

const QUESTION = 0;
const ANSWER = 1;

/** One term space: how a unit's and a query's terms are drawn, and its statistics. */
interface TermSpace {
  field: number;
  /** Position of this space's length in a unit's stride of `unitLengths`. */
  lengthSlot: number;
  weight: number;
  /** Whether unknown query terms may be matched by homophones (words and bigrams; not characters). */
  homophones: boolean;
  unitTerms(text: string, analyzed: AnalyzedText): string[];
  queryTerms(analyzed: AnalyzedText): string[];
  postings: Map<string, Posting>;
  totalLength: number;
  liveUnits: number;
}

interface Slot {
  entry: KnowledgeEntry;
  units: number[];
  hasQuestions: boolean;
}

const STRIDE = 3;
const interrogatives = new Set(interrogativeWords);
const withoutInterrogatives = (words: string[]) => words.filter((word) => !interrogatives.has(word));

/** Create an empty BM25 index. */
export function createBm25Index(options: Bm25Options = {}): KnowledgeIndex {
  const analyzer = options.analyzer ?? createTextAnalyzer();
  const parameters = [options.question ?? { k1: 1.2, b: 0.75 }, options.answer ?? { k1: 1.2, b: 0.75 }];
  const answerWeight = options.answerWeight ?? 0.3;
  const weights: TermWeights = { grams: 0.5, questionCharacters: 0.3, answerLead: 0.7, ...options.weights };
  const leadLength = options.leadLength ?? 40;
  const homophoneWeight = options.homophoneWeight ?? 0.3;
  const homophones = createHomophoneTable();
  const rerank = options.rerank === false ? undefined : { candidates: 20, lexicalWeight: 1, minLexicalShare: 0.5, weights: DEFAULT_PAIR_WEIGHTS, ...options.rerank };

  const space = (field: number, lengthSlot: number, weight: number, rest: Pick<TermSpace, 'unitTerms' | 'queryTerms'>, soundsAlike = true) =>
    ({ field, lengthSlot, weight, homophones: soundsAlike && homophoneWeight > 0, ...rest, postings: new Map(), totalLength: 0, liveUnits: 0 }) as TermSpace;
  const makeSpaces = (): TermSpace[] =>
    [
      space(QUESTION, 0, 1, { unitTerms: (_, a) => a.words, queryTerms: (a) => a.words }),
      space(QUESTION, 1, weights.grams, { unitTerms: (_, a) => a.grams, queryTerms: (a) => a.grams }),
      space(QUESTION, 2, weights.questionCharacters, { unitTerms: (_, a) => a.characters, queryTerms: (a) => a.characters }, false),
      space(ANSWER, 0, 1, {
        unitTerms: (_, a) => withoutInterrogatives(a.words),
        queryTerms: (a) => withoutInterrogatives(a.words),
      }),
      space(ANSWER, 1, weights.grams, { unitTerms: (_, a) => a.grams, queryTerms: (a) => a.grams }),
      space(ANSWER, 2, weights.answerLead, {
        unitTerms: (text) => analyzer.analyze(text.slice(0, leadLength)).grams,
        queryTerms: (a) => a.grams,
      }),
    ].filter((termSpace) => termSpace.weight > 0);

  let spaces = makeSpaces();
  let slots: Array<Slot | undefined> = [];
  let slotById = new Map<string, number>();
  let unitSlot: number[] = [];
  let unitField: number[] = [];
  let unitAlive: boolean[] = [];
  /** Question units: what re-ranking reads of them (`QuestionPair`); undefined otherwise or when removed. */
  let unitPairs: Array<QuestionPair | undefined> = [];
  /** Unit lengths per space: `unit * STRIDE + space.lengthSlot`. */
  let unitLengths: number[] = [];
  let deadUnits = 0;
  let unitScores = new Float64Array(0);
  let slotQuestion = new Float64Array(0);
  let slotAnswer = new Float64Array(0);

  const spacesOf = (field: number) => spaces.filter((termSpace) => termSpace.field === field);

  const addUnit = (slot: number, field: number, text: string): number => {
    const unit = unitSlot.length;
    const analyzed = analyzer.analyze(text);
    unitSlot.push(slot);
    unitField.push(field);
    unitAlive.push(true);
    unitPairs.push(undefined);
    for (let index = 0; index < STRIDE; index++) unitLengths.push(0);
    for (const termSpace of spacesOf(field)) {
      const terms = termSpace.unitTerms(text, analyzed);
      unitLengths[unit * STRIDE + termSpace.lengthSlot] = terms.length;
      termSpace.totalLength += terms.length;
      termSpace.liveUnits++;
      for (const [term, tf] of countTerms(terms)) {
        let posting = termSpace.postings.get(term);
        if (!posting) {
          termSpace.postings.set(term, (posting = { packed: [], live: 0 }));
          if (termSpace.homophones) homophones.add(term);
        }
        addToPosting(posting, unit, tf);
      }
    }
    if (rerank && field === QUESTION) unitPairs[unit] = questionPairOf(text, analyzed, questionPostings);
    return unit;
  };

  /** The question-space postings by family (words, bigrams, characters); undefined when weighted 0. */
  const questionPostings = (lengthSlot: number) =>
    spaces.find((termSpace) => termSpace.field === QUESTION && termSpace.lengthSlot === lengthSlot)?.postings;

  const killUnit = (unit: number, text: string) => {
    unitAlive[unit] = false;
    unitPairs[unit] = undefined;
    deadUnits++;
    const analyzed = analyzer.analyze(text);
    for (const termSpace of spacesOf(unitField[unit] as number)) {
      termSpace.totalLength -= unitLengths[unit * STRIDE + termSpace.lengthSlot] as number;
      termSpace.liveUnits--;
      for (const term of new Set(termSpace.unitTerms(text, analyzed))) {
        const posting = termSpace.postings.get(term);
        if (posting) posting.live--;
      }
    }
  };

  const unitTexts = (entry: KnowledgeEntry): Array<[number, string]> => {
    const body = bodyOf(entry);
    const texts: Array<[number, string]> = questionsOf(entry).map((question) => [QUESTION, question]);
    if (body.trim() !== '') texts.push([ANSWER, body]);
    return texts;
  };

  /** Entry score: best question unit + weighted answer, or the answer alone without questions. */
  const rankEntries = (touched: number[], limit: number): RetrievalHit[] => {
    if (slotQuestion.length < slots.length) {
      slotQuestion = new Float64Array(slots.length * 2);
      slotAnswer = new Float64Array(slots.length * 2);
    }
    const touchedSlots: number[] = [];
    for (const unit of touched) {
      const slot = unitSlot[unit] as number;
      const score = unitScores[unit] as number;
      unitScores[unit] = 0;
      if (slotQuestion[slot] === 0 && slotAnswer[slot] === 0) touchedSlots.push(slot);
      if (unitField[unit] === QUESTION) slotQuestion[slot] = Math.max(slotQuestion[slot] as number, score);
      else slotAnswer[slot] = score;
    }
    const hits: RetrievalHit[] = [];
    for (const slot of touchedSlots) {
      const stored = slots[slot] as Slot;
      const question = slotQuestion[slot] as number;
      const answer = slotAnswer[slot] as number;
      slotQuestion[slot] = 0;
      slotAnswer[slot] = 0;
      const score = stored.hasQuestions ? question + answerWeight * answer : answer;
      if (entersTop(hits, score, limit)) insertTop(hits, { entry: stored.entry, score }, limit);
    }
    return hits;
  };

  /**
   * Re-orders the hits that have questions among their own places by pair score + the lexical
   * share; hits without questions (chunks, answer-only rows) stay where they are.
   */
  const rerankHits = (query: string, analyzed: AnalyzedText, hits: RetrievalHit[], settings: NonNullable<typeof rerank>) => {
    const places: number[] = [];
    const questionUnits: number[][] = [];
    const top = hits[0]?.score || 1;
    const floor = settings.minLexicalShare * top;
    hits.forEach((hit, place) => {
      const slot = slots[slotById.get(hit.entry.id) as number] as Slot;
      if (!slot.hasQuestions || hit.score < floor) return;
      places.push(place);
      questionUnits.push(slot.units.filter((unit) => unitField[unit] === QUESTION));
    });
    if (places.length < 2) return hits;
    const documents = spacesOf(QUESTION)[0]?.liveUnits ?? 0;
    const idf = (posting: Posting | undefined) => pairIdf(documents, posting?.live ?? 0);
    const queryPair = messageSide(query, analyzed, idf, questionPostings);
    const scored = places.map((place, position) => {
      const hit = hits[place] as RetrievalHit;
      let best = -Infinity;
      for (const unit of questionUnits[position] as number[]) {
        const side = questionSide(unitPairs[unit] as QuestionPair, idf);
        best = Math.max(best, pairLogit(pairFeatures(queryPair, side), settings.weights));
      }
      return { hit, place, score: best + (settings.lexicalWeight * hit.score) / top };
    });
    scored.sort((left, right) => right.score - left.score || left.place - right.place);
    const reordered = hits.slice();
    places.forEach((place, position) => {
      reordered[place] = (scored[position] as { hit: RetrievalHit }).hit;
    });
    return reordered;
  };

  const index: KnowledgeIndex = {
    get size() {
      return slotById.size;
    },
    get: (id) => {
      const slot = slotById.get(id);
      return slot === undefined ? undefined : slots[slot]?.entry;
    },
    add(entry) {
      index.remove(entry.id);
      const slot = slots.length;
      const units = unitTexts(entry).map(([field, text]) => addUnit(slot, field, text));
      slots.push({ entry, units, hasQuestions: questionsOf(entry).length > 0 });
      slotById.set(entry.id, slot);
    },
    remove(id) {
      const slot = slotById.get(id);
      if (slot === undefined) return false;
      const stored = slots[slot] as Slot;
      const texts = unitTexts(stored.entry);
      stored.units.forEach((unit, position) => killUnit(unit, (texts[position] as [number, string])[1]));
      slots[slot] = undefined;
      slotById.delete(id);
      if (deadUnits > 1000 && deadUnits > unitSlot.length / 2) compact();
      return true;
    },
    search(query, limit = 5) {
      const analyzed = analyzer.analyze(query);
      if (unitScores.length < unitSlot.length) unitScores = new Float64Array(unitSlot.length * 2);
      const touched: number[] = [];
      for (const termSpace of spaces) {
        if (termSpace.liveUnits === 0) continue;
        const { k1, b } = parameters[termSpace.field] as FieldParameters;
        const averageLength = termSpace.totalLength / termSpace.liveUnits || 1;
        const match = (posting: Posting, weight: number) => {
          const idf = Math.log(1 + (termSpace.liveUnits - posting.live + 0.5) / (posting.live + 0.5));
          accumulate(posting, weight * idf * (k1 + 1), k1 * (1 - b), (k1 * b) / averageLength, {
            alive: unitAlive,
            lengths: unitLengths,
            lengthOffset: termSpace.lengthSlot,
            stride: STRIDE,
            scores: unitScores,
            touched,
          });
        };
        const queryTerms = new Set(termSpace.queryTerms(analyzed));
        for (const term of queryTerms) {
          const posting = termSpace.postings.get(term);
          if (posting && posting.live > 0) {
            match(posting, termSpace.weight);
            continue;
          }
          if (!termSpace.homophones) continue;
          for (const alternative of homophones.alternatives(term)) {
            const stand = termSpace.postings.get(alternative);
            if (stand && stand.live > 0 && !queryTerms.has(alternative)) match(stand, termSpace.weight * homophoneWeight);
          }
        }
      }
      if (!rerank) return rankEntries(touched, limit);
      const hits = rerankHits(query, analyzed, rankEntries(touched, Math.max(limit, rerank.candidates)), rerank);
      return hits.length > limit ? hits.slice(0, limit) : hits;
    },
  };

  const compact = () => {
    const live = slots.filter((slot): slot is Slot => slot !== undefined).map((slot) => slot.entry);
    spaces = makeSpaces();
    slots = [];
    slotById = new Map();
    unitSlot = [];
    unitField = [];
    unitAlive = [];
    unitPairs = [];
    unitLengths = [];
    deadUnits = 0;
    for (const entry of live) index.add(entry);
  };

  return index;
}

function countTerms(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
