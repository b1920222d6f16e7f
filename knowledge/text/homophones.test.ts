import { describe, expect, it } from 'vitest';
import { createHomophoneTable, homophoneKey } from './homophones.ts';

describe('homophones', () => {
  it('keys a Han term by its toneless pinyin, so a pinyin typo gets the word’s key', () => {
    expect(homophoneKey('退款')).toBe('tui kuan');
    expect(homophoneKey('退宽')).toBe(homophoneKey('退款'));
    expect(homophoneKey('会圆')).toBe(homophoneKey('会员'));
    expect(homophoneKey('退货')).not.toBe(homophoneKey('退款'));
  });

  it('has no key for single characters, long runs or non-Han terms', () => {
    expect(homophoneKey('退')).toBeUndefined();
    expect(homophoneKey('申请退款的流程')).toBeUndefined();
    expect(homophoneKey('wifi')).toBeUndefined();
    expect(homophoneKey('退款1')).toBeUndefined();
  });

  it('finds the known terms that sound like an unknown one', () => {
    const table = createHomophoneTable();
    for (const term of ['退款', '会员', '积分', '退款']) table.add(term);
    expect(table.alternatives('退宽')).toEqual(['退款']);
    expect(table.alternatives('退款')).toEqual([]);
    expect(table.alternatives('积份')).toEqual(['积分']);
    expect(table.alternatives('配送')).toEqual([]);
  });
});
