/**
 * What a workspace lexicon may hold, checked before it is stored: its own words (product and store
 * names, jargon: kept whole by segmentation) and synonyms (variant → canonical word). Items are
 * compared in their normalised form (`normalizeText`: full-width, case, traditional characters),
 * the form the analyzer matches them in, so `楊枝甘露` and `杨枝甘露` are the same word.
 *
 * Refused, with an error naming the item:
 * - an empty word, or one of one character (nothing to keep whole), or longer than
 *   `maximumLexiconWordLength`;
 * - a word with a space or punctuation inside: text is matched one run between them at a time, so
 *   such a word could never match;
 * - a word or variant given twice;
 * - a synonym mapping a word to itself;
 * - a chain or cycle (a→b with b→c, or a→b with b→a), also through the built-in synonyms: the
 *   analyzer maps a word once, so a chained variant would never meet the final word. Map every
 *   variant to the final word directly.
 */
import { KefuError } from '../../bot/errors.ts';
import { normalizeText } from '../text/normalize.ts';
import { defaultSynonyms } from '../text/synonyms.ts';

/** A workspace lexicon as operators write it; `synonyms` maps variant → canonical word. */
export interface WorkspaceLexicon {
  words: string[];
  synonyms: Record<string, string>;
}

/** Longest word, variant or canonical word, in characters. */
export const maximumLexiconWordLength = 30;
/** Most words, and most synonyms, in one lexicon. */
export const maximumLexiconItems = 5000;

/** An item the lexicon may not hold; `item` is its path: `words.3` or `synonyms.退钱`. */
export class LexiconError extends KefuError {
  readonly item: string;
  constructor(item: string, message: string) {
    super('invalid_lexicon', `${item}: ${message}`);
    this.item = item;
  }
}

/** Built-in variants per canonical word, to name them when a workspace variant would chain them. */
const builtInVariantsOf = (() => {
  const variants = new Map<string, string[]>();
  for (const [variant, canonical] of Object.entries(defaultSynonyms)) {
    const key = normalizeText(canonical);
    variants.set(key, [...(variants.get(key) ?? []), variant]);
  }
  return variants;
})();
const builtInSynonyms = new Map(Object.entries(defaultSynonyms).map(([variant, canonical]) => [normalizeText(variant), normalizeText(canonical)]));

/** The normalised form of one term, or a `LexiconError` naming `item` when it cannot be a term. */
function termOf(item: string, text: string, options: { minimumLength: number }): string {
  const term = normalizeText(text);
  if (term === '') return fail(item, text.trim() === '' ? 'empty word' : `"${text}" has no letters, digits or characters`);
  if ([...text.trim()].length > maximumLexiconWordLength) {
    return fail(item, `"${text}" is longer than ${maximumLexiconWordLength} characters`);
  }
  if (term.includes(' ')) return fail(item, `"${text}" has a space or punctuation inside; a word is matched within one run of text`);
  if ([...term].length < options.minimumLength) return fail(item, `"${text}" is one character; only longer words need keeping whole`);
  return term;
}

function fail(item: string, message: string): never {
  throw new LexiconError(item, message);
}

/** The path of a synonym: `synonyms.退钱`, or `synonyms." "` for a blank variant. */
const synonymItem = (variant: string) => `synonyms.${variant.trim() === '' ? JSON.stringify(variant) : variant}`;

/** Throw a `LexiconError` naming the first item the lexicon may not hold. */
export function checkLexicon(lexicon: WorkspaceLexicon): void {
  if (lexicon.words.length > maximumLexiconItems) fail('words', `more than ${maximumLexiconItems} words`);
  const synonymEntries = Object.entries(lexicon.synonyms);
  if (synonymEntries.length > maximumLexiconItems) fail('synonyms', `more than ${maximumLexiconItems} synonyms`);

  const words = new Map<string, string>();
  lexicon.words.forEach((word, index) => {
    const item = `words.${index}`;
    const term = termOf(item, word, { minimumLength: 2 });
    const earlier = words.get(term);
    if (earlier !== undefined) fail(item, `"${word}" is listed twice (as "${earlier}" too)`);
    words.set(term, word);
  });

  // variant → canonical, normalised; with the variant as written, to name it.
  const synonyms = new Map<string, { canonical: string; written: string }>();
  for (const [variant, canonical] of synonymEntries) {
    const item = synonymItem(variant);
    const from = termOf(item, variant, { minimumLength: 1 });
    const to = termOf(item, canonical, { minimumLength: 1 });
    if (from === to) fail(item, `maps "${variant}" to itself`);
    const earlier = synonyms.get(from);
    if (earlier) fail(item, `"${variant}" is mapped twice (as "${earlier.written}" too)`);
    synonyms.set(from, { canonical: to, written: variant });
  }

  for (const [variant, canonical] of Object.entries(lexicon.synonyms)) {
    const item = synonymItem(variant);
    const from = normalizeText(variant);
    const to = normalizeText(canonical);
    const next = synonyms.get(to);
    if (next) {
      const cycle = next.canonical === from;
      fail(
        item,
        cycle
          ? `"${variant}" → "${canonical}" and "${next.written}" → "${variant}" form a cycle; keep one direction`
          : `"${variant}" → "${canonical}" chains into "${next.written}" → "${next.canonical}"; map "${variant}" to "${next.canonical}" directly`,
      );
    }
    // A workspace synonym replaces a built-in one of the same variant, so only unreplaced ones chain.
    const builtIn = builtInSynonyms.get(to);
    if (builtIn !== undefined && !synonyms.has(to)) {
      fail(item, `"${canonical}" is itself a built-in synonym of "${builtIn}"; map "${variant}" to "${builtIn}" directly`);
    }
    const builtInVariants = (builtInVariantsOf.get(from) ?? []).filter((builtInVariant) => !synonyms.has(normalizeText(builtInVariant)));
    if (builtInVariants.length > 0) {
      fail(item, `"${variant}" is the word the built-in synonyms ${builtInVariants.map((word) => `"${word}"`).join(', ')} map to; it cannot be mapped itself`);
    }
  }
}
