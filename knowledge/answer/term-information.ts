/**
 * How much a term says about what a question is about, from 0 to 1, read from general-language
 * statistics rather than from the knowledge base: jieba's IDF table (computed on a large news
 * corpus, shipped with `@node-rs/jieba`). Inside one small FAQ base every word is rare, so its own
 * IDF calls 今天 as telling as 积分; in the language at large 今天 is common and 积分 is not.
 *
 * The weight is the IDF clamped to [5, 10] nats and rescaled: a word found in more than ~1 in 150
 * documents (今天, 可以, 怎么, 没有) weighs 0, a word rarer than ~1 in 22,000 — or unknown to the
 * table: product names, typos, new words — weighs 1. Tokens without a letter (digits) weigh 0.
 */
import { idf as idfTable } from '@node-rs/jieba/dict.js';

/** The weight of one analyzer term (a word or a character bigram), 0..1. */
export type TermWeight = (term: string) => number;

const floorNats = 5;
const ceilingNats = 10;
const letter = /\p{L}/u;

let table: Map<string, number> | undefined;

/** Words below the ceiling, read once (~45k of the table's 270k lines, ~0.2 s). */
function loadTable(): Map<string, number> {
  const words = new Map<string, number>();
  const text = new TextDecoder().decode(idfTable);
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const space = text.lastIndexOf(' ', end);
    if (space > start) {
      const nats = Number(text.slice(space + 1, end));
      if (nats < ceilingNats) words.set(text.slice(start, space), nats);
    }
    start = end + 1;
  }
  return words;
}

/** Informativeness of a term in general Chinese, 0 (function-like) .. 1 (rare or unknown). */
export const termInformation: TermWeight = (term) => {
  if (!letter.test(term)) return 0;
  table ??= loadTable();
  const nats = table.get(term) ?? ceilingNats;
  return (Math.min(ceilingNats, Math.max(floorNats, nats)) - floorNats) / (ceilingNats - floorNats);
};
