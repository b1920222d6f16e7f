import { describe, expect, it } from 'vitest';
import { checkLexicon, LexiconError, maximumLexiconWordLength, type WorkspaceLexicon } from './lexicon-rules.ts';

/** The item and message `checkLexicon` refuses the lexicon with; undefined when it passes. */
function refusal(lexicon: Partial<WorkspaceLexicon>): { item: string; message: string } | undefined {
  try {
    checkLexicon({ words: [], synonyms: {}, ...lexicon });
    return undefined;
  } catch (error) {
    if (!(error instanceof LexiconError)) throw error;
    return { item: error.item, message: error.message };
  }
}

describe('checkLexicon', () => {
  it('accepts product words and synonyms, including one that replaces a built-in synonym', () => {
    expect(refusal({ words: ['杨枝甘露', '芋泥波波', 'iPhone15'], synonyms: { 小黄杯: '杨枝甘露', 退钱: '退货' } })).toBeUndefined();
  });

  it('refuses empty, one-character, over-long and unmatchable words, naming them', () => {
    expect(refusal({ words: ['杨枝甘露', '  '] })).toEqual({ item: 'words.1', message: 'words.1: empty word' });
    expect(refusal({ words: ['茶'] })?.message).toBe('words.0: "茶" is one character; only longer words need keeping whole');
    const long = '超'.repeat(maximumLexiconWordLength + 1);
    expect(refusal({ words: [long] })?.message).toBe(`words.0: "${long}" is longer than ${maximumLexiconWordLength} characters`);
    expect(refusal({ words: ['杨枝 甘露'] })?.message).toMatch(/^words\.0: "杨枝 甘露" has a space or punctuation inside/);
    expect(refusal({ synonyms: { '': '退款' } })?.message).toBe('synonyms."": empty word');
    expect(refusal({ synonyms: { 退票: '' } })?.message).toBe('synonyms.退票: empty word');
  });

  it('refuses a word or variant given twice, also in another script or width', () => {
    expect(refusal({ words: ['杨枝甘露', '楊枝甘露'] })?.message).toBe('words.1: "楊枝甘露" is listed twice (as "杨枝甘露" too)');
    expect(refusal({ synonyms: { ＡＢＣ: '杨枝甘露', abc: '芋泥波波' } })?.item).toBe('synonyms.abc');
  });

  it('refuses a synonym that maps a word to itself', () => {
    expect(refusal({ synonyms: { 退款: '退款' } })?.message).toBe('synonyms.退款: maps "退款" to itself');
    expect(refusal({ synonyms: { 退貨: '退货' } })?.item).toBe('synonyms.退貨');
  });

  it('refuses chains and cycles, also through the built-in synonyms', () => {
    expect(refusal({ synonyms: { 小黄杯: '杨甘', 杨甘: '杨枝甘露' } })?.message).toBe(
      'synonyms.小黄杯: "小黄杯" → "杨甘" chains into "杨甘" → "杨枝甘露"; map "小黄杯" to "杨枝甘露" directly',
    );
    expect(refusal({ synonyms: { 退钱: '退货', 退货: '退钱' } })?.message).toBe(
      'synonyms.退钱: "退钱" → "退货" and "退货" → "退钱" form a cycle; keep one direction',
    );
    // 退费 → 退款 is built in: a workspace variant mapped to 退费 would never meet 退款.
    expect(refusal({ synonyms: { 退票: '退费' } })?.message).toBe(
      'synonyms.退票: "退费" is itself a built-in synonym of "退款"; map "退票" to "退款" directly',
    );
    expect(refusal({ synonyms: { 退款: '退货' } })?.message).toBe(
      'synonyms.退款: "退款" is the word the built-in synonyms "退钱", "退费" map to; it cannot be mapped itself',
    );
  });
});
