import { describe, expect, it } from 'vitest';
import { normalizeText } from './normalize.ts';

describe('normalizeText', () => {
  it('turns full-width letters, digits and punctuation half-width and lower-cases', () => {
    expect(normalizeText('ＶＩＰ会员１２３号')).toBe('vip会员123号');
  });

  it('converts traditional Chinese to simplified', () => {
    expect(normalizeText('營業時間')).toBe('营业时间');
    expect(normalizeText('優惠券怎麼用')).toBe('优惠券怎么用');
    expect(normalizeText('裡面')).toBe('里面');
  });

  it('leaves simplified text as it is', () => {
    expect(normalizeText('什么时候发货')).toBe('什么时候发货');
  });

  it('replaces punctuation and symbols with single spaces and trims', () => {
    expect(normalizeText('  你好！！请问，几点开门？😀 ')).toBe('你好 请问 几点开门');
    expect(normalizeText('退款\t\n进度')).toBe('退款 进度');
  });

  it('keeps punctuation when asked', () => {
    expect(normalizeText('几点开门？', { stripPunctuation: false })).toBe('几点开门?');
  });
});
