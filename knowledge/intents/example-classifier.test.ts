import { describe, expect, it } from 'vitest';
import { trainExampleClassifier } from './example-classifier.ts';
import type { LabelledUtterance } from './types.ts';

const rows = (label: string, texts: string[]): LabelledUtterance[] => texts.map((text) => ({ text, label }));
const TINY: LabelledUtterance[] = [
  ...rows('order_status', ['我的订单到哪了', '查一下物流', '快递怎么还没到', '包裹什么时候到', '订单发货了吗', 'where is my parcel']),
  ...rows('refund', ['我要退款', '怎么退货', '钱什么时候退回来', '申请退款', '不想要了能退吗', 'I want my money back']),
  ...rows('invoice', ['开发票', '发票抬头怎么写', '电子发票在哪下载', '能开专票吗', '发票开错了', 'send me an invoice']),
];

describe('trainExampleClassifier', () => {
  const classifier = trainExampleClassifier(TINY);

  it('learns a tiny dataset and generalises to unseen phrasings', () => {
    expect(classifier.classify('我的快递到哪里了').intent).toBe('order_status');
    expect(classifier.classify('退款怎么申请').intent).toBe('refund');
    expect(classifier.classify('發票能開嗎').intent).toBe('invoice'); // Traditional script
    expect(classifier.classify('where is my order parcel').intent).toBe('order_status');
  });

  it('reports a probability with runners-up', () => {
    const prediction = classifier.classify('申请退款');
    expect(prediction).toMatchObject({ intent: 'refund', source: 'classifier' });
    expect(prediction.confidence).toBeGreaterThan(0.5);
    expect(prediction.alternatives?.map((alternative) => alternative.intent).sort()).toEqual(['invoice', 'order_status']);
  });

  it('rejects gibberish and unknown scripts as oos', () => {
    for (const text of ['qwzx vbnm', 'ฟหกดเ', '12345', '!!!']) {
      expect(classifier.classify(text)).toMatchObject({ intent: 'oos', confidence: 1 });
    }
  });

  it('uses oos examples: learns what to reject and calibrates its threshold', () => {
    const outOfScope = rows('oos', [
      '今天天气怎么样', '讲个笑话', '这款手机支持5G吗', '你叫什么名字', '衣服是什么材质',
      '会员积分怎么用', '怎么修改密码', '有优惠券吗', '电池能用多久', '明天会下雨吗',
    ]);
    const withRejects = trainExampleClassifier([...TINY, ...outOfScope]);
    expect(withRejects.threshold).toBeGreaterThan(0);
    expect(withRejects.classify('今天天气好吗').intent).toBe('oos');
    expect(withRejects.classify('我要退款').intent).toBe('refund');
  });

  it('honours an explicit threshold and can change it after training', () => {
    expect(trainExampleClassifier(TINY, { threshold: 0.99 }).classify('查物流').intent).toBe('oos');
    expect(classifier.withThreshold(0.99).classify('查物流').intent).toBe('oos');
    expect(classifier.withThreshold(0).classify('查物流').intent).toBe('order_status');
  });

  it('is deterministic and fast to predict', () => {
    const again = trainExampleClassifier(TINY);
    expect(again.classify('发票抬头').confidence).toBe(classifier.classify('发票抬头').confidence);
    const started = performance.now();
    for (let index = 0; index < 200; index++) classifier.classify('我的订单怎么还没发货');
    expect((performance.now() - started) / 200).toBeLessThan(2);
  });

  it('refuses training data without in-scope rows', () => {
    expect(() => trainExampleClassifier(rows('oos', ['你好']))).toThrow(/in-scope/);
  });
});
