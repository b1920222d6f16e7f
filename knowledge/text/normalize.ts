/**
 * Text normalisation shared by indexing and querying: both sides must go through exactly the same
 * steps, or a stored question and the customer's message for it would not meet in the index.
 */
import * as OpenCC from 'opencc-js/t2cn';

type Convert = (text: string) => string;
let toSimplified: Convert | undefined;
let convertible: Set<number> | undefined;

/**
 * Traditional (Taiwan standard, which also covers the Hong Kong variants customers type) to
 * mainland simplified. OpenCC costs ~1.5 µs per character and almost all text is already
 * simplified, so text goes through it only when it holds a character OpenCC would change; that
 * set is found once by converting every CJK ideograph in one call (~50 ms, lazily).
 */
function simplify(text: string): string {
  const convert = toSimplified ?? OpenCC.Converter({ from: 'tw', to: 'cn' });
  toSimplified = convert;
  convertible ??= convertibleCharacters(convert);
  for (let index = 0; index < text.length; index++) {
    if (convertible.has(text.charCodeAt(index))) return convert(text);
  }
  return text;
}

function convertibleCharacters(convert: Convert): Set<number> {
  const characters = new Set<number>();
  const codes: number[] = [];
  for (let code = 0x3400; code <= 0x9fff; code++) if (code < 0x4dc0 || code >= 0x4e00) codes.push(code);
  // One character per line, so no phrase rule can span two characters.
  const converted = convert(codes.map((code) => String.fromCharCode(code)).join('\n')).split('\n');
  codes.forEach((code, index) => {
    if (converted[index] !== String.fromCharCode(code)) characters.add(code);
  });
  return characters;
}

/** Punctuation and symbols in every script (，。！？、《》…, ASCII, emoji). */
const punctuationOrSymbol = /[\p{P}\p{S}]+/gu;
/**
 * Spans that may hold punctuation: anything but common ideographs, ASCII letters and digits, and
 * whitespace. V8 runs this plain class ~6× faster than the Unicode-property one, which then only
 * sees the (short) spans found here.
 */
const maybePunctuation = /[^\u4e00-\u9fffa-z0-9\s]+/g;
const whitespace = /\s+/gu;
const hasHan = /\p{Script=Han}/u;

export interface NormalizeOptions {
  /** Replace punctuation and symbols with a space; default true. */
  stripPunctuation?: boolean;
}

/**
 * Canonical form of a text for matching: NFKC (full-width letters, digits and punctuation become
 * half-width), lower case, traditional → simplified Chinese, punctuation and symbols → spaces,
 * whitespace collapsed and trimmed.
 *
 * @example normalizeText('營業時間？ＡＢＣ　１２３') // '营业时间 abc 123'
 */
export function normalizeText(text: string, options: NormalizeOptions = {}): string {
  let result = text.normalize('NFKC').toLowerCase();
  // OpenCC is the slow step (~1 µs per character); Latin-only text does not need it.
  if (hasHan.test(result)) result = simplify(result);
  if (options.stripPunctuation ?? true) {
    result = result.replace(maybePunctuation, (span) => span.replace(punctuationOrSymbol, ' '));
  }
  return result.replace(whitespace, ' ').trim();
}
