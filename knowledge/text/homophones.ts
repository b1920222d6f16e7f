/**
 * Homophone typos: Chinese is typed through pinyin input methods, so a customer's typo is usually
 * another character with the same sound (退宽 for 退款, 花贝 for 花呗, 会圆 for 会员). A table of
 * the index's vocabulary keyed by toneless pinyin finds, for a query term the index has never
 * seen, the indexed terms that sound the same.
 *
 * Pinyin is taken per character (each character's most common reading, cached), so a word and
 * its typo get the same key whenever their characters' common readings agree; context-dependent
 * readings (还 hai/huan) are deliberately ignored — both spellings go through the same mapping.
 */
import { pinyin } from 'pinyin-pro';

const readings = new Map<string, string>();

function readingOf(character: string): string {
  let reading = readings.get(character);
  if (reading === undefined) {
    reading = pinyin(character, { toneType: 'none' });
    readings.set(character, reading);
  }
  return reading;
}

function isHanCode(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf);
}

/** The toneless pinyin key of an all-Han term of 2–4 characters; undefined for anything else. */
export function homophoneKey(term: string): string | undefined {
  if (term.length < 2 || term.length > 4) return undefined;
  let key = '';
  for (let index = 0; index < term.length; index++) {
    if (!isHanCode(term.charCodeAt(index))) return undefined;
    key += (index ? ' ' : '') + readingOf(term[index] as string);
  }
  return key;
}

/** Terms grouped by how they sound. */
export interface HomophoneTable {
  /** Remember a term (a no-op for terms without a key). */
  add(term: string): void;
  /** Other known terms that sound like `term`. */
  alternatives(term: string): readonly string[];
}

export function createHomophoneTable(): HomophoneTable {
  const byKey = new Map<string, string[]>();
  return {
    add(term) {
      const key = homophoneKey(term);
      if (key === undefined) return;
      const terms = byKey.get(key);
      if (!terms) byKey.set(key, [term]);
      else if (!terms.includes(term)) terms.push(term);
    },
    alternatives(term) {
      const key = homophoneKey(term);
      if (key === undefined) return [];
      return (byKey.get(key) ?? []).filter((known) => known !== term);
    },
  };
}
