import { describe, expect, it } from 'vitest';
import { faq } from '../__fixtures__/demo-entries.ts';
import { runGoldenQueries } from './golden-run.ts';

const entries = [
  faq('hours', '你们几点开门', '每天10点到22点营业。', ['营业时间']),
  faq('refund', '怎么申请退款', '在订单页申请退款。', ['退钱']),
  faq('stores', '门店在哪里', '西湖店在湖滨路36号。', ['门店地址']),
];

describe('runGoldenQueries', () => {
  it('scores like evaluateRetrieval and explains each miss with what came first', async () => {
    const result = await runGoldenQueries(entries, [
      { query: '营业时间是几点', goldIds: ['hours'] },
      { query: '我想退钱', goldIds: ['stores'] },
      { query: '门店地址', goldIds: ['nowhere'] },
    ]);
    expect(result).toMatchObject({ entries: 3, queries: 3, 'hit@1': 0.3333 });
    expect(result.misses.map((miss) => miss.query)).toEqual(['我想退钱', '门店地址']);
    expect(result.hitAt1ByQuery).toEqual([true, false, false]);
    expect(result.misses[0]?.retrieved[0]).toMatchObject({ key: 'refund', question: '怎么申请退款' });
    expect(result.misses[1]).toMatchObject({ expectedKeys: ['nowhere'], expectedRank: null });
    expect(result.misses[1]?.retrieved[0]?.key).toBe('stores');
    expect(result.misses[0]?.retrieved.length).toBeLessThanOrEqual(3);
  });
});
