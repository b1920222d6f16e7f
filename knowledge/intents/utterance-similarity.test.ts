import { describe, expect, it } from 'vitest';
import { createUtteranceSimilarity } from './utterance-similarity.ts';

const CORPUS = ['花呗怎么还款', '借呗怎么还款', '花呗额度怎么提升', '借呗额度怎么提升', '花呗可以分期吗', '怎么关闭花呗'];

describe('createUtteranceSimilarity', () => {
  const similarity = createUtteranceSimilarity(CORPUS);

  it('scores paraphrases above unrelated questions', () => {
    expect(similarity('花呗怎么还款', '花呗怎么还款')).toBeGreaterThan(0.9);
    expect(similarity('花呗怎么还款', '花唄如何還款')).toBeGreaterThan(similarity('花呗怎么还款', '怎么关闭花呗'));
    expect(similarity('花呗怎么还款', '今天天气不错')).toBeLessThan(0.1);
  });

  it('keeps the idf-weighted Jaccard as method "jaccard"', () => {
    const jaccard = createUtteranceSimilarity(CORPUS, { method: 'jaccard' });
    expect(jaccard('花呗怎么还款', '花呗怎么还款')).toBeCloseTo(1);
    expect(jaccard('花呗怎么还款', '今天天气不错')).toBe(0);
    expect(jaccard('花呗怎么还款', '花唄如何還款')).toBeGreaterThan(jaccard('花呗怎么还款', '怎么关闭花呗'));
  });

  it('scores a swapped key word below a paraphrase', () => {
    expect(similarity('花呗额度怎么提升', '怎么提高花呗额度')).toBeGreaterThan(similarity('花呗额度怎么提升', '花呗怎么还款'));
  });

  it('penalises a clash of exclusive terms', () => {
    const strict = createUtteranceSimilarity(CORPUS, { exclusiveTerms: [['花呗', '借呗']], exclusivePenalty: 0.5 });
    expect(strict('花呗怎么还款', '借呗怎么还款')).toBeCloseTo(similarity('花呗怎么还款', '借呗怎么还款') * 0.5);
    expect(strict('花呗怎么还款', '花呗如何还款')).toBeCloseTo(similarity('花呗怎么还款', '花呗如何还款'));
  });
});
