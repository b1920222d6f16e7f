/**
 * Feature extraction for intent detection: turns an utterance into a bag of string features.
 *
 * Kept inside `knowledge/intents/` on purpose: intent features are tuned for short utterances
 * (character n-grams carry most of the signal in Chinese, where a 8-character request has no
 * spaces), while retrieval tokenisation in `knowledge/text/` is tuned for passages. The two can
 * diverge without breaking each other.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';

/** Which feature families to emit. Defaults are the ones measured best in `bench/knowledge/intents.ts`. */
export interface FeatureOptions {
  /** Character n-gram lengths over Han text; default [1, 3]. */
  hanCharNgrams?: [number, number];
  /** Jieba words over Han text; default true. */
  hanWords?: boolean;
  /** Character n-gram lengths inside Latin words (with boundary marks); default [3, 4]; [0, 0] disables. */
  latinCharNgrams?: [number, number];
  /** Word bigrams across the whole token sequence; default true. */
  wordBigrams?: boolean;
  /** Toneless pinyin syllable uni/bigrams of Han text (catches homophone typos); default false: it cost ~0.5 point on SMP2019 folds. */
  pinyin?: boolean;
}

const DEFAULT_OPTIONS: Required<FeatureOptions> = {
  hanCharNgrams: [1, 3],
  hanWords: true,
  latinCharNgrams: [3, 4],
  wordBigrams: true,
  pinyin: false,
};

let jieba: Jieba | undefined;
let toSimplified: ((text: string) => string) | undefined;

const HAN = /\p{Script=Han}/u;
/** Runs of Han characters, or of letters/digits/apostrophes (a Latin-ish word). */
const TOKEN_RUN = /(\p{Script=Han}+)|([\p{L}\p{N}]+(?:'[\p{L}]+)?)/gu;
const LATIN_STOP_CHARS = /^[\p{P}\p{S}\s]+$/u;

/**
 * Canonical form of an utterance: NFKC (full-width → half-width, compatibility forms), lower case,
 * Traditional → Simplified Chinese (customers from HK/TW write to the same bot), and (unless
 * `keepDigits`) runs of digits collapsed to `0` so order numbers and amounts do not become
 * features of their own.
 */
export function normalizeUtterance(text: string, keepDigits = false): string {
  let normalized = text.normalize('NFKC').toLowerCase();
  if (HAN.test(normalized)) {
    const convert = (toSimplified ??= OpenCC.Converter({ from: 'hk', to: 'cn' }));
    normalized = convert(normalized);
  }
  if (!keepDigits) normalized = normalized.replace(/\d+(?:[.,]\d+)*/g, '0');
  return normalized.replace(/\s+/g, ' ').trim();
}

function cutHan(run: string): string[] {
  jieba ??= Jieba.withDict(dict);
  return jieba.cut(run, false);
}

function pushCharNgrams(out: string[], prefix: string, text: string, [min, max]: [number, number]): void {
  const chars = Array.from(text);
  for (let n = min; n <= max && n > 0; n++) {
    for (let start = 0; start + n <= chars.length; start++) {
      out.push(prefix + chars.slice(start, start + n).join(''));
    }
  }
}

/**
 * The features of one utterance, with repeats (the caller counts them). Families are prefixed so
 * they never collide: `c:` Han character n-grams, `w:` words, `g:` Latin character n-grams,
 * `b:` word bigrams.
 */
export function extractFeatures(text: string, options: FeatureOptions = {}): string[] {
  const settings = { ...DEFAULT_OPTIONS, ...options };
  const normalized = normalizeUtterance(text);
  const features: string[] = [];
  const words: string[] = [];
  for (const match of normalized.matchAll(TOKEN_RUN)) {
    const [, hanRun, latinWord] = match;
    if (hanRun !== undefined) {
      pushCharNgrams(features, 'c:', hanRun, settings.hanCharNgrams);
      if (settings.pinyin) {
        const syllables = pinyin(hanRun, { toneType: 'none', type: 'array' });
        for (let index = 0; index < syllables.length; index++) {
          features.push('p:' + syllables[index]);
          if (index > 0) features.push(`p:${syllables[index - 1]}_${syllables[index]}`);
        }
      }
      if (settings.hanWords) {
        for (const word of cutHan(hanRun)) {
          // Single characters are already unigrams; keeping them as words would double count.
          if (word.length > 1) features.push('w:' + word);
          words.push(word);
        }
      } else {
        words.push(...Array.from(hanRun));
      }
    } else if (latinWord !== undefined && !LATIN_STOP_CHARS.test(latinWord)) {
      features.push('w:' + latinWord);
      words.push(latinWord);
      if (latinWord.length > 2) pushCharNgrams(features, 'g:', `<${latinWord}>`, settings.latinCharNgrams);
    }
  }
  if (settings.wordBigrams) {
    for (let index = 1; index < words.length; index++) features.push(`b:${words[index - 1]}_${words[index]}`);
  }
  return features;
}
