/**
 * Chinese-first analysis for retrieval: normalise, segment with jieba (behind a per-workspace
 * dictionary of protected words), map synonyms to one canonical word, drop stopwords, and add
 * character bigrams of the Han runs as a robustness signal against segmentation mistakes and typos.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { normalizeText } from './normalize.ts';
import { defaultStopwords } from './stopwords.ts';
import { defaultSynonyms } from './synonyms.ts';
import { createWordMatcher, type WordMatcher } from './word-matcher.ts';

let sharedJieba: Jieba | undefined;

/** The process-wide jieba instance; loading its dictionary takes ~200 ms, so it happens once. */
export function jieba(): Jieba {
  sharedJieba ??= Jieba.withDict(dict);
  return sharedJieba;
}

/** A workspace's vocabulary: words jieba must keep whole, and synonyms (variant → canonical). */
export interface Lexicon {
  /** Product names, brand words, jargon: never split by segmentation (e.g. 茶语时光, 花呗). */
  words?: readonly string[];
  /** Variant → canonical word, e.g. `{ 退钱: '退款' }`. Variants are also protected words. */
  synonyms?: Readonly<Record<string, string>>;
}

export interface AnalyzerOptions extends Lexicon {
  /** Replace the default stopwords. */
  stopwords?: readonly string[];
  /**
   * Segment in jieba's search mode (compounds plus the words inside them, e.g. 服务态度 → 服务,
   * 态度, 服务态度), so a compound in one text still meets its parts in another; default true.
   */
  searchMode?: boolean;
  /** Merge the built-in colloquial synonyms (咋→怎么, 退钱→退款…) under `synonyms`; default true. */
  defaultSynonyms?: boolean;
}

/** The terms of one text, in families that the index weighs separately; repeats kept. */
export interface AnalyzedText {
  /** Canonical words without stopwords, in order. */
  words: string[];
  /** Character bigrams of the Han runs (a one-character run stands alone). */
  grams: string[];
  /** Han characters that are not stopwords. */
  characters: string[];
}

/** Turns text into index/query terms. One analyzer per lexicon; cheap to create. */
export interface TextAnalyzer {
  analyze(text: string): AnalyzedText;
  /** Canonical segmentation without stopword removal (for debugging and tests). */
  segment(text: string): string[];
}

/**
 * CJK ideographs (BMP: Extension A, the unified block, compatibility ideographs). Code-point tests
 * instead of `\p{Script=Han}`: Unicode-property regexes cost ~1 µs per call in V8, and indexing
 * calls this once per character.
 */
function isHan(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff);
}

function hasHan(word: string): boolean {
  for (let index = 0; index < word.length; index++) if (isHan(word.charCodeAt(index))) return true;
  return false;
}

/** Create an analyzer for one lexicon (a workspace's words and synonyms). */
export function createTextAnalyzer(options: AnalyzerOptions = {}): TextAnalyzer {
  const synonyms = new Map<string, string>();
  const addSynonyms = (map: Readonly<Record<string, string>>) => {
    for (const [variant, canonical] of Object.entries(map)) {
      const from = normalizeText(variant);
      const to = normalizeText(canonical);
      if (from && to && from !== to) synonyms.set(from, to);
    }
  };
  if (options.defaultSynonyms ?? true) addSynonyms(defaultSynonyms);
  if (options.synonyms) addSynonyms(options.synonyms);
  const protectedWords = [...(options.words ?? []).map((word) => normalizeText(word)), ...synonyms.keys()];
  const matcher: WordMatcher = createWordMatcher(protectedWords.filter((word) => word.length > 1));
  const stopwords = new Set(options.stopwords ?? defaultStopwords);
  const searchMode = options.searchMode ?? true;

  /**
   * Per space-separated chunk of the normalised text (punctuation splits): its canonical words, and
   * its text with protected synonym variants replaced, from which bigrams are taken (search-mode
   * words overlap, so they cannot be joined back into text).
   */
  const segmentChunks = (text: string): Array<{ words: string[]; text: string }> =>
    normalizeText(text)
      .split(' ')
      .filter(Boolean)
      .map((chunk) => {
        const words: string[] = [];
        let canonicalText = '';
        for (const piece of matcher.split(chunk)) {
          if (piece.protected) {
            const canonical = synonyms.get(piece.text) ?? piece.text;
            words.push(canonical);
            canonicalText += canonical;
            continue;
          }
          canonicalText += piece.text;
          const cut = searchMode ? jieba().cutForSearch(piece.text, true) : jieba().cut(piece.text, true);
          // The text is normalised: a token is a word unless it is the odd space jieba passes on.
          for (const word of cut) if (word.trim() !== '') words.push(synonyms.get(word) ?? word);
        }
        return { words, text: canonicalText };
      });

  return {
    segment: (text) => segmentChunks(text).flatMap((chunk) => chunk.words),
    analyze(text) {
      const chunks = segmentChunks(text);
      const words: string[] = [];
      const grams: string[] = [];
      const characters: string[] = [];
      for (const chunk of chunks) {
        for (const word of chunk.words) {
          if (stopwords.has(word)) continue;
          words.push(word);
          // Latin and digit words (wifi, iphone12) have no bigrams or characters; they stand in
          // those families whole so they weigh as much as a Han word does.
          if (!hasHan(word)) {
            grams.push(word);
            characters.push(word);
          }
        }
        // Bigrams of the Han runs of the chunk's canonical text, so a synonym also unifies them.
        const { text: chunkText } = chunk;
        let runLength = 0;
        for (let index = 0; index <= chunkText.length; index++) {
          if (index < chunkText.length && isHan(chunkText.charCodeAt(index))) {
            const character = chunkText[index] as string;
            if (!stopwords.has(character)) characters.push(character);
            if (runLength > 0) grams.push(chunkText.slice(index - 1, index + 1));
            runLength++;
            continue;
          }
          if (runLength === 1) {
            const single = chunkText[index - 1] as string;
            if (!stopwords.has(single)) grams.push(single);
          }
          runLength = 0;
        }
      }
      return { words, grams, characters };
    },
  };
}
