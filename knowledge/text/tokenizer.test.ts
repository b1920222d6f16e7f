import { describe, expect, it } from 'vitest';
import { createTextAnalyzer } from './tokenizer.ts';
import { createWordMatcher } from './word-matcher.ts';

describe('createTextAnalyzer', () => {
  it('segments Chinese into words and drops stopwords', () => {
    const { words } = createTextAnalyzer().analyze('我的奶茶什么时候送到');
    expect(words).toContain('奶茶');
    expect(words).toContain('送到');
    expect(words).not.toContain('的');
    expect(words).not.toContain('我');
  });

  it('maps synonyms to one canonical word at index and query time', () => {
    const analyzer = createTextAnalyzer({ synonyms: { 奶盖茶: '芝士奶盖' } });
    expect(analyzer.analyze('我要退钱').words).toContain('退款');
    expect(analyzer.analyze('奶盖茶还有吗').words).toContain('芝士奶盖');
    // The bigrams follow the canonical word, so they match too.
    expect(analyzer.analyze('我要退钱').grams).toContain('退款');
  });

  it('asks why, when and how long with one word whatever question word the customer chose', () => {
    const analyzer = createTextAnalyzer();
    for (const [message, canonical, variant] of [
      ['退款为何还没到', '为什么', '为何'],
      ['退款怎么回事还没到', '为什么', '怎么回事'],
      ['退款何时到账', '什么时候', '何时'],
      ['退款啥时候到账', '什么时候', '啥时候'],
      ['退款多长时间到账', '多久', '多长时间'],
    ]) {
      const { words } = analyzer.analyze(message as string);
      expect(words, message).toContain(canonical);
      expect(words, message).not.toContain(variant);
    }
  });

  it('reads the common variant spellings 帐/账 and 登陆/登录 as one word', () => {
    const analyzer = createTextAnalyzer();
    expect(analyzer.analyze('帐号登陆不上').words).toEqual(analyzer.analyze('账号登录不上').words);
    expect(analyzer.analyze('退款到帐了吗').words).toContain('到账');
  });

  it('can leave the built-in synonyms out', () => {
    expect(createTextAnalyzer({ defaultSynonyms: false }).analyze('我要退钱').words).not.toContain('退款');
  });

  it('keeps custom dictionary words whole', () => {
    const plain = createTextAnalyzer().segment('茶语时光芝士莓莓好喝');
    expect(plain).not.toContain('茶语时光');
    const custom = createTextAnalyzer({ words: ['茶语时光', '芝士莓莓'] }).segment('茶语时光芝士莓莓好喝');
    expect(custom).toContain('茶语时光');
    expect(custom).toContain('芝士莓莓');
  });

  it('applies traditional → simplified before segmenting', () => {
    expect(createTextAnalyzer().analyze('外賣配送費').words).toEqual(
      createTextAnalyzer().analyze('外卖配送费').words,
    );
  });

  it('adds character bigrams and characters of Han runs, not across punctuation', () => {
    const { grams, characters } = createTextAnalyzer().analyze('退款，进度');
    expect(grams).toEqual(['退款', '进度']);
    expect(characters).toEqual(['退', '款', '进', '度']);
  });

  it('lets Latin words stand whole in every family', () => {
    const { words, grams, characters } = createTextAnalyzer().analyze('WiFi密码');
    expect(words).toContain('wifi');
    expect(grams).toContain('wifi');
    expect(characters).toContain('wifi');
  });
});

describe('createWordMatcher', () => {
  it('takes the longest protected word, left to right', () => {
    const matcher = createWordMatcher(['花呗', '蚂蚁花呗']);
    expect(matcher.split('开通蚂蚁花呗吗')).toEqual([
      { text: '开通', protected: false },
      { text: '蚂蚁花呗', protected: true },
      { text: '吗', protected: false },
    ]);
  });

  it('returns the text as one gap without words', () => {
    expect(createWordMatcher([]).split('你好')).toEqual([{ text: '你好', protected: false }]);
  });
});
