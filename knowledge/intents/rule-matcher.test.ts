import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../bot/errors.ts';
import { createRuleMatcher } from './rule-matcher.ts';
import { STARTER_INTENTS } from './starter-intents.ts';

describe('createRuleMatcher', () => {
  const rules = createRuleMatcher(STARTER_INTENTS);

  it('routes the sure cases of the starter set with confidence 1', () => {
    expect(rules.match('转人工')).toEqual({ intent: 'human_agent', confidence: 1, source: 'rule' });
    expect(rules.match('我要找人工客服！')?.intent).toBe('human_agent');
    expect(rules.match('我的快递到哪了')?.intent).toBe('order_status');
    expect(rules.match('怎么退款')?.intent).toBe('refund');
    expect(rules.match('能开发票吗')?.intent).toBe('invoice');
    expect(rules.match('我要投诉你们')?.intent).toBe('complaint');
    expect(rules.match('你好！')?.intent).toBe('greeting');
    expect(rules.match('谢谢啦')?.intent).toBe('thanks');
  });

  it('matches Traditional Chinese and full-width text after normalisation', () => {
    expect(rules.match('請幫我轉人工')?.intent).toBe('human_agent');
    expect(rules.match('ＨＥＬＬＯ')?.intent).toBe('greeting');
  });

  it('leaves fuzzy or unrelated utterances to the classifier', () => {
    expect(rules.match('这款手机支持5G吗')).toBeUndefined();
    expect(rules.match('怎么退出登录')).toBeUndefined();
    expect(rules.match('你好，我想问下这个衣服是什么材质')).toBeUndefined();
  });

  it('prefers the first intent when rules of several intents match', () => {
    const matcher = createRuleMatcher([
      { name: 'a', examples: [], keywords: ['退款'] },
      { name: 'b', examples: [], patterns: ['退'] },
    ]);
    expect(matcher.match('退款')?.intent).toBe('a');
  });

  it('names the intent of an invalid pattern', () => {
    expect(() => createRuleMatcher([{ name: 'broken', examples: [], patterns: ['(unclosed'] }])).toThrow(ConfigError);
    expect(() => createRuleMatcher([{ name: 'broken', examples: [], patterns: ['(unclosed'] }])).toThrow(/broken/);
  });
});
