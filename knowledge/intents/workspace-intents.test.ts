import { describe, expect, test } from 'vitest';
import { STARTER_INTENTS, STARTER_OUT_OF_SCOPE_EXAMPLES, STARTER_REPLIES } from './starter-intents.ts';
import { createWorkspaceIntents, mergeIntents } from './workspace-intents.ts';

const membership = {
  name: 'membership',
  examples: ['怎么成为会员', '会员怎么办理', '我想办会员卡', '入会有什么条件', '会员卡在哪里办'],
  keywords: ['会员卡'],
  reply: '到店扫码即可免费入会，首单立减5元。',
};

const intents = createWorkspaceIntents({
  base: STARTER_INTENTS,
  baseReplies: STARTER_REPLIES,
  outOfScopeExamples: STARTER_OUT_OF_SCOPE_EXAMPLES,
  own: [
    { ...membership, workspace: 'shop' },
    { name: 'greeting', examples: ['你好', '在吗'], reply: '欢迎光临茶语时光！', workspace: 'shop' },
    { name: 'thanks', examples: ['谢谢', '多谢'], workspace: 'quiet' },
  ],
});

describe('workspace intents', () => {
  test('a workspace’s own intent is detected there, with its reply', async () => {
    await expect(intents.detectorFor('shop').detect('我想办一张会员卡')).resolves.toMatchObject({ intent: 'membership' });
    expect(intents.replyFor('shop', 'membership')).toBe(membership.reply);
  });

  test('another workspace knows nothing of it and keeps the starter set', async () => {
    const prediction = await intents.detectorFor('other').detect('我想办一张会员卡');
    expect(prediction.intent).not.toBe('membership');
    expect(intents.replyFor('other', 'membership')).toBeUndefined();
    expect(intents.replyFor('other', 'greeting')).toBe(STARTER_REPLIES.greeting);
  });

  test('redefining a starter intent replaces it, reply included', async () => {
    expect(intents.replyFor('shop', 'greeting')).toBe('欢迎光临茶语时光！');
    expect(intents.replyFor('shop', 'thanks')).toBe(STARTER_REPLIES.thanks);
    // Taken over without a reply: the intent still routes, the bot no longer answers it by rote.
    expect(intents.replyFor('quiet', 'thanks')).toBeUndefined();
    await expect(intents.detectorFor('quiet').detect('谢谢')).resolves.toMatchObject({ intent: 'thanks' });
  });

  test('merging keeps the starter order and appends new intents', () => {
    const merged = mergeIntents(STARTER_INTENTS, [membership]);
    expect(merged.map((intent) => intent.name)).toEqual([...STARTER_INTENTS.map((intent) => intent.name), 'membership']);
    expect(merged.at(-1)).not.toHaveProperty('reply');
  });

  test('a bare number is no intent of its own (it used to read as goodbye)', async () => {
    for (const text of ['1', '2', '12345']) {
      const prediction = await intents.detectorFor('other').detect(text);
      expect(prediction.intent, text).not.toBe('goodbye');
    }
    await expect(intents.detectorFor('other').detect('886')).resolves.toMatchObject({ intent: 'goodbye', source: 'rule' });
  });
});
