import { describe, expect, it } from 'vitest';
import { demoEntries, faq } from '../__fixtures__/demo-entries.ts';
import { createBm25Index } from './bm25-index.ts';

describe('createBm25Index on the demo knowledge base', () => {
  const index = createBm25Index();
  for (const entry of demoEntries()) index.add(entry);

  // Paraphrases a customer might send, none of them a stored question or variant.
  it.each([
    ['你们晚上开到几点', 'hours'],
    ['我想退钱', 'refund'],
    ['退款几天能到账', 'refund-progress'],
    ['能开发票报销吗', 'invoice'],
    ['积分可以换什么东西', 'points'],
    ['有不含咖啡因的饮品吗', 'caffeine'],
    ['可以少放点糖吗', 'sugar'],
    ['我乳糖不耐受', 'lactose-free'],
    ['外卖要收配送费吗', 'delivery-fee'],
    ['優惠券怎麼用', 'coupon-use'],
    ['万象城店在哪', 'stores'],
    ['你们有燕麦奶吗', 'lactose-free'],
    ['会员生日有福利吗', 'member-level'],
    ['奶茶隔夜还能喝吗', 'shelf-life'],
    ['ｗｉｆｉ密码是多少', 'wifi-seats'],
  ])('answers "%s" with %s first', (query, id) => {
    expect(index.search(query, 3)[0]?.entry.id).toBe(id);
  });

  it.each([
    ['退宽', 'refund'],
    ['会圆', 'membership'],
    ['小廖', 'toppings'],
    ['冲值', 'gift-card'],
  ])('finds "%s" (a pinyin typo) by the word that sounds the same: %s', (query, id) => {
    expect(index.search(query, 3).slice(0, 2).map((hit) => hit.entry.id)).toContain(id);
    const strict = createBm25Index({ homophoneWeight: 0 });
    for (const entry of demoEntries()) strict.add(entry);
    const strictHits = strict.search(query, 3);
    const score = (hits: typeof strictHits) => hits.find((hit) => hit.entry.id === id)?.score ?? 0;
    expect(score(index.search(query, 3))).toBeGreaterThan(score(strictHits));
  });

  it('returns nothing for a query that shares no term', () => {
    expect(index.search('hello', 5)).toEqual([]);
    expect(index.search('', 5)).toEqual([]);
  });

  it('returns at most `limit` hits, best first by BM25 score without re-ranking', () => {
    const plain = createBm25Index({ rerank: false });
    for (const entry of demoEntries()) plain.add(entry);
    const hits = plain.search('外卖', 3);
    expect(hits).toHaveLength(3);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
    expect(hits[1]!.score).toBeGreaterThanOrEqual(hits[2]!.score);
    expect(index.search('外卖', 3)).toHaveLength(3);
  });

  // Golden-set paraphrases (demo/milk-tea-golden.tsv) whose best BM25 match is a neighbouring
  // entry; the question-pair score puts the right one first.
  it.each([
    ['积分可以抵现金吗', 'points'],
    ['怎么加入你们的会员', 'membership'],
    ['申请退款三天了还没收到钱', 'refund-progress'],
  ])('re-ranks "%s" to %s by the question-pair score', (query, id) => {
    const plain = createBm25Index({ rerank: false });
    for (const entry of demoEntries()) plain.add(entry);
    expect(plain.search(query, 5)[0]?.entry.id).not.toBe(id);
    expect(index.search(query, 5)[0]?.entry.id).toBe(id);
  });
});

describe('createBm25Index scoring', () => {
  it('scores an entry by its best-matching variant, not by how many variants it has', () => {
    const index = createBm25Index();
    index.add(faq('many', '发票怎么开', '在订单页开发票。', ['电子发票', '发票抬头', '增值税发票', '发票邮箱']));
    index.add(faq('one', '会员积分怎么兑换', '在积分商城兑换。'));
    expect(index.search('积分兑换', 2)[0]?.entry.id).toBe('one');
  });

  it('re-ranks only entries with questions; the others keep their places', () => {
    const entries = [
      faq('fee', '外卖配送费怎么算', '满20元免配送费。'),
      faq('range', '外卖送多远', '3公里内配送。'),
      faq('time', '外卖多久能送到', '30分钟左右。'),
      faq('doc', '', '外卖配送说明：配送费3元，3公里内配送，满20元免配送费。'),
    ];
    const plain = createBm25Index({ rerank: false });
    const reranked = createBm25Index();
    for (const entry of entries) {
      plain.add(entry);
      reranked.add(entry);
    }
    for (const query of ['外卖配送费多少', '送外卖要多长时间', '能送多远']) {
      const before = plain.search(query, 4).map((hit) => hit.entry.id);
      const after = reranked.search(query, 4).map((hit) => hit.entry.id);
      expect(after.indexOf('doc')).toBe(before.indexOf('doc'));
      expect([...after].sort()).toEqual([...before].sort());
    }
  });

  it('finds answer-only entries by their text', () => {
    const index = createBm25Index();
    index.add(faq('a', '', '外卖满20元起送，配送费3元。'));
    index.add(faq('b', '', '门店每天10点开门。'));
    expect(index.search('配送费多少', 1)[0]?.entry.id).toBe('a');
  });
});

describe('createBm25Index add and remove', () => {
  it('adds, replaces and removes entries incrementally', () => {
    const index = createBm25Index();
    index.add(faq('hours', '几点开门', '10点开门。'));
    index.add(faq('refund', '怎么退款', '在订单页申请退款。'));
    expect(index.size).toBe(2);
    expect(index.search('退款', 1)[0]?.entry.id).toBe('refund');

    expect(index.remove('refund')).toBe(true);
    expect(index.remove('refund')).toBe(false);
    expect(index.size).toBe(1);
    expect(index.search('退款', 5)).toEqual([]);

    index.add(faq('hours', '营业时间', '每天10点到22点。'));
    expect(index.size).toBe(1);
    expect(index.search('几点开门', 5)).toEqual([]);
    expect(index.search('营业时间', 1)[0]?.entry.answer).toBe('每天10点到22点。');
  });

  it('ranks the same after removals as an index built without the removed entries', () => {
    const entries = demoEntries();
    const incremental = createBm25Index();
    for (const entry of entries) incremental.add(entry);
    const kept = entries.filter((_, position) => position % 3 !== 0);
    for (const [position, entry] of entries.entries()) if (position % 3 === 0) incremental.remove(entry.id);
    const fresh = createBm25Index();
    for (const entry of kept) fresh.add(entry);
    for (const query of ['外卖多久送到', '怎么开发票', '积分', '有什么新品']) {
      const scores = (hits: ReturnType<typeof fresh.search>) => hits.map((hit) => [hit.entry.id, hit.score.toFixed(9)]);
      expect(scores(incremental.search(query, 5))).toEqual(scores(fresh.search(query, 5)));
    }
  });

  it('stays correct through compaction after many removals', () => {
    const index = createBm25Index();
    for (let round = 0; round < 3; round++) {
      for (let number = 0; number < 600; number++) index.add(faq(`e${number}`, `问题${number}号怎么办`, `答案${number}`));
    }
    for (let number = 0; number < 590; number++) index.remove(`e${number}`);
    expect(index.size).toBe(10);
    expect(index.search('问题595号', 1)[0]?.entry.id).toBe('e595');
    expect(index.get('e1')).toBeUndefined();
  });
});
