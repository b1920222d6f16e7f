/**
 * Word substitutes learned from questions: words used between the same neighbours are similar,
 * and a small corpus teaches nothing.
 */
import { describe, expect, it } from 'vitest';
import { learnWordSubstitutes } from './word-substitutes.ts';

const questions = [
  ['怎么', '开通', '花呗'],
  ['怎么', '激活', '花呗'],
  ['如何', '开通', '花呗'],
  ['如何', '激活', '花呗'],
  ['花呗', '逾期', '了'],
  ['花呗', '延期', '了'],
  ['借呗', '逾期', '怎么办'],
  ['借呗', '延期', '怎么办'],
  ['收款码', '在哪里'],
  ['收款码', '在哪里'],
];

describe('word substitutes', () => {
  it('finds words used between the same neighbours, and only those', () => {
    const substitutes = learnWordSubstitutes(questions, { minTexts: 0 });
    expect(substitutes.similarity('开通', '激活')).toBeGreaterThan(0.9);
    expect(substitutes.similarity('逾期', '延期')).toBeGreaterThan(0.9);
    expect(substitutes.similarity('开通', '逾期')).toBe(0);
    expect(substitutes.similarity('激活', '开通')).toBe(substitutes.similarity('开通', '激活'));
    expect(substitutes.similarity('开通', '开通')).toBe(1);
  });

  it('gives no vector to a word seen fewer than minCount times', () => {
    const substitutes = learnWordSubstitutes(questions, { minCount: 3, minTexts: 0 });
    expect(substitutes.similarity('开通', '激活')).toBe(0);
  });

  it('learns nothing from a corpus smaller than minTexts', () => {
    expect(learnWordSubstitutes(questions).similarity('开通', '激活')).toBe(0);
    expect(learnWordSubstitutes(questions, { minTexts: 10 }).similarity('开通', '激活')).toBeGreaterThan(0.9);
  });
});
