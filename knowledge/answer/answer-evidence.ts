/**
 * The evidence that the best retrieved entry answers a customer's message, on a scale that does not
 * depend on the knowledge base (BM25 scores grow with query length and shrink with corpus size).
 *
 * - Coverage: the share of the query's information — its words and character bigrams, each weighed
 *   by `termInformation` — that a text also contains.
 * - Relevance of a hit: the mean of its coverage by its best-matching question variant ("the
 *   customer asked this") and by the whole entry, variants and answer ("this entry talks about
 *   it"). Entries without questions (document chunks) use their text for both. 0 when the entry
 *   shares nothing with the query but interrogatives (怎么办, 为什么…): see `sharesTopic`.
 * - Evidence: the best hit's relevance, discounted by how closely another candidate explains the
 *   query too (`ambiguityDiscount` × the runner-up's share of it): two equally good candidates
 *   are a question to ask back, not an answer to give.
 */
import { bodyOf, questionsOf } from '../index/knowledge-index.ts';
import { homophoneKey } from '../text/homophones.ts';
import { interrogativeWords } from '../text/stopwords.ts';
import { createTextAnalyzer, type TextAnalyzer } from '../text/tokenizer.ts';
import type { KnowledgeEntry, RetrievalHit } from '../types.ts';
import { termInformation, type TermWeight } from './term-information.ts';

export interface EvidenceOptions {
  /** Default: the built-in lexicon's analyzer. Use the retriever's when the workspace has its own words. */
  analyzer?: TextAnalyzer;
  /** Default: `termInformation` (general-language IDF). */
  termWeight?: TermWeight;
  /** Credit same-sounding words (pinyin typos) at 0.8 of their weight; default true. */
  homophones?: boolean;
}

/** The evidence for one query and its hits. */
export interface AnswerEvidence {
  /** 0..1: relevance of the best hit, discounted by ambiguity; 0 when no informative term matched. */
  evidence: number;
  /** Relevance (0..1) of each of the first `candidates` hits, in the hits' order. */
  relevance: number[];
}

/** Share of coverage carried by character bigrams (words carry the rest); tuned on the demo golden set. */
const gramShare = 0.25;
/** How much a runner-up that explains the query as well as the best hit lowers the evidence. */
const ambiguityDiscount = 0.7;
/** Hits compared with the best one. */
const candidates = 3;
/**
 * Share of a query word's weight that a same-sounding word of the text covers (a pinyin typo: 退宽
 * for 退款). Words only: bigrams straddle word boundaries, and their chance homophones (有点远 →
 * 点远 ~ 店员) made unrelated entries look relevant on the demo golden set.
 */
const homophoneCredit = 0.8;

interface TermSets {
  words: ReadonlySet<string>;
  grams: ReadonlySet<string>;
  /** Homophone keys of the words and bigrams (`text/homophones.ts`). */
  sounds: ReadonlySet<string>;
}

interface EntryTerms {
  variants: TermSets[];
  whole: TermSets;
}

let defaultAnalyzer: TextAnalyzer | undefined;
/** Analyzed entries per analyzer: hits are the index's own entry objects, so they repeat. */
const entryCache = new WeakMap<TextAnalyzer, WeakMap<KnowledgeEntry, EntryTerms>>();

/** Measure the evidence that `hits[0]` answers `query`. */
export function answerEvidence(query: string, hits: readonly RetrievalHit[], options: EvidenceOptions = {}): AnswerEvidence {
  const analyzer = options.analyzer ?? (defaultAnalyzer ??= createTextAnalyzer());
  const weight = options.termWeight ?? termInformation;
  const analyzed = analyzer.analyze(query);
  const credit = options.homophones === false ? 0 : homophoneCredit;
  const words = weigh(analyzed.words, weight);
  const grams = weigh(analyzed.grams, weight);
  const coverage = (text: TermSets) =>
    (1 - gramShare) * share(words, text, credit) + gramShare * share(grams, text, 0, 'grams');

  const relevance = hits.slice(0, candidates).map(({ entry }) => {
    const terms = entryTerms(analyzer, entry);
    // Sharing only the way of asking (怎么办, 为什么, 多久…) is no evidence at all.
    if (!sharesTopic(words, grams, terms.whole, credit)) return 0;
    const bestVariant = Math.max(0, ...terms.variants.map(coverage));
    return (bestVariant + coverage(terms.whole)) / 2;
  });
  const [best = 0, ...others] = relevance;
  if (best === 0) return { evidence: 0, relevance };
  const ambiguity = Math.min(1, Math.max(0, ...others) / best);
  return { evidence: best * (1 - ambiguityDiscount * ambiguity), relevance };
}

interface WeighedTerms {
  weights: Map<string, number>;
  /** Homophone key of each term that has one. */
  sounds: Map<string, string>;
  total: number;
}

/** Each distinct term with its weight (and sound), and their total. */
function weigh(terms: readonly string[], weight: TermWeight): WeighedTerms {
  const weights = new Map<string, number>();
  const sounds = new Map<string, string>();
  let total = 0;
  for (const term of terms) {
    if (weights.has(term)) continue;
    const value = weight(term);
    weights.set(term, value);
    const sound = homophoneKey(term);
    if (sound !== undefined) sounds.set(term, sound);
    total += value;
  }
  return { weights, sounds, total };
}

/**
 * Weighted share of the query's terms (of one family) found in the text — or, at `credit`, a term
 * of the text that sounds the same; 0 when the query has no weight.
 */
function share(query: WeighedTerms, text: TermSets, credit: number, family: 'words' | 'grams' = 'words'): number {
  if (query.total === 0) return 0;
  const present = text[family];
  let found = 0;
  for (const [term, value] of query.weights) {
    if (present.has(term)) found += value;
    else if (credit > 0 && text.sounds.has(query.sounds.get(term) ?? '')) found += credit * value;
  }
  return found / query.total;
}

const interrogatives = new Set(interrogativeWords);
/** The character bigrams inside interrogative words (怎么办 → 怎么, 么办). */
const interrogativeGrams = new Set(
  interrogativeWords.flatMap((word) => {
    const characters = [...word];
    return characters.slice(1).map((character, index) => `${characters[index]}${character}`);
  }),
);

/**
 * Whether the text shares with the query something besides the way of asking: a query word that is
 * not an interrogative — itself, inside a word of the text (店 in 门店), or with `credit` a word
 * that sounds like it — or a character bigram that is not inside an interrogative word (segmentation
 * can glue a topic character to its neighbour: 能开专票吗 → 能开 / 专票, where the bigram 票吗 is
 * what is shared with 可以开发票吗).
 */
function sharesTopic(words: WeighedTerms, grams: WeighedTerms, text: TermSets, credit: number): boolean {
  for (const term of words.weights.keys()) {
    if (interrogatives.has(term)) continue;
    if (text.words.has(term)) return true;
    if (credit > 0 && text.sounds.has(words.sounds.get(term) ?? '')) return true;
    for (const word of text.words) if (word.length > term.length && word.includes(term)) return true;
  }
  for (const gram of grams.weights.keys()) if (!interrogativeGrams.has(gram) && text.grams.has(gram)) return true;
  return false;
}

function entryTerms(analyzer: TextAnalyzer, entry: KnowledgeEntry): EntryTerms {
  let entries = entryCache.get(analyzer);
  if (!entries) entryCache.set(analyzer, (entries = new WeakMap()));
  let terms = entries.get(entry);
  if (!terms) {
    const termSets = (text: string): TermSets => {
      const analyzed = analyzer.analyze(text);
      const sounds = new Set<string>();
      for (const term of [...analyzed.words, ...analyzed.grams]) {
        const sound = homophoneKey(term);
        if (sound !== undefined) sounds.add(sound);
      }
      return { words: new Set(analyzed.words), grams: new Set(analyzed.grams), sounds };
    };
    const body = bodyOf(entry);
    const questions = questionsOf(entry);
    const variants = (questions.length > 0 ? questions : [body]).map(termSets);
    // Joined with a full stop so that no bigram spans two texts.
    const whole = termSets([...questions, body].join('。'));
    terms = { variants, whole };
    entries.set(entry, terms);
  }
  return terms;
}
