import { describe, expect, it } from 'vitest';
import {
  countPairTermStatistics,
  DEFAULT_PAIR_WEIGHTS,
  pairFeatures,
  pairLogit,
  pairText,
  weighPairText,
  PAIR_FEATURES,
} from './pair-score.ts';
import { createTextAnalyzer } from './tokenizer.ts';

const analyzer = createTextAnalyzer();
const CORPUS = ['怎么申请退款', '退款多久到账', '怎么开发票', '发票抬头写错了', '会员积分怎么用', '积分能换什么', '外卖配送费多少', '门店几点关门'];
const statistics = countPairTermStatistics(CORPUS.map((text) => analyzer.analyze(text)));
const prepare = (text: string) => weighPairText(pairText(text, analyzer.analyze(text)), statistics);
const features = (left: string, right: string) => {
  const values = pairFeatures(prepare(left), prepare(right));
  return Object.fromEntries(PAIR_FEATURES.map((name, index) => [name, values[index] as number]));
};
const logit = (left: string, right: string) => pairLogit(pairFeatures(prepare(left), prepare(right)));

describe('pairFeatures', () => {
  it('describes an identical pair as full overlap with nothing left over', () => {
    expect(features('怎么申请退款', '怎么申请退款')).toEqual({
      overlap: 1,
      unmatchedWords: 0,
      unmatchedInformation: 0,
      nearWords: 0,
      negationMismatch: 0,
      lengthDifference: 0,
      commonSubsequence: 1,
      commonSubstring: 1,
      substituteWords: 0,
    });
  });

  it('is symmetric', () => {
    expect(pairFeatures(prepare('退款多久能到账'), prepare('钱退了几天到'))).toEqual(pairFeatures(prepare('钱退了几天到'), prepare('退款多久能到账')));
  });

  it('flags a negation on one side only', () => {
    expect(features('积分能用', '积分不能用').negationMismatch).toBe(1);
    expect(features('积分不能用', '积分为什么用不了').negationMismatch).toBe(0);
  });

  it('leaves over only the words the other side lacks, and gives near misses partial credit', () => {
    expect(features('配送费多少', '外卖配送费多少').unmatchedWords).toBeGreaterThan(0);
    expect(features('配送费多少', '配送费是多少').unmatchedWords).toBe(0);
    expect(features('积分怎么兑换', '积分怎么换').unmatchedWords).toBe(0);
    const near = features('会员卡怎么办理', '会员卡怎么申办');
    expect(near.unmatchedWords).toBeGreaterThan(0);
    expect(near.nearWords).toBe(0.5);
    expect(features('积分怎么用', '积分怎么查').nearWords).toBe(0);
  });
});

describe('pairLogit', () => {
  it('ranks a paraphrase above a question that swaps the key word', () => {
    expect(logit('怎么申请退款', '如何申请退款')).toBeGreaterThan(logit('怎么申请退款', '怎么申请发票'));
    expect(logit('积分怎么用', '积分怎么使用')).toBeGreaterThan(logit('积分怎么用', '积分怎么查'));
  });

  it('weighs overlap and order up, leftovers and a one-sided negation down', () => {
    const weight = (name: (typeof PAIR_FEATURES)[number]) => DEFAULT_PAIR_WEIGHTS.weights[PAIR_FEATURES.indexOf(name)] as number;
    expect(weight('overlap')).toBeGreaterThan(0);
    expect(weight('commonSubsequence')).toBeGreaterThan(0);
    expect(weight('unmatchedWords')).toBeLessThan(0);
    expect(weight('unmatchedInformation')).toBeLessThan(0);
    expect(weight('negationMismatch')).toBeLessThan(0);
    expect(logit('积分可以用吗', '积分可以用吗')).toBeGreaterThan(logit('积分可以用吗', '积分不可以用吗'));
  });

  it('credits left-over words that the knowledge base uses interchangeably', () => {
    const substitutes = { similarity: (left: string, right: string) => (left === right || [left, right].sort().join() === '延期,逾期' ? 1 : 0) };
    const left = prepare('借呗逾期怎么办');
    const right = prepare('借呗延期怎么办');
    const index = PAIR_FEATURES.indexOf('substituteWords');
    expect(pairFeatures(left, right)[index]).toBe(0);
    expect(pairFeatures(left, right, substitutes)[index]).toBe(1);
    expect(pairLogit(pairFeatures(left, right, substitutes))).toBeGreaterThan(pairLogit(pairFeatures(left, right)));
    expect(pairFeatures(prepare('借呗逾期怎么办'), prepare('借呗逾期怎么办'), substitutes)[index]).toBe(0);
  });
});
