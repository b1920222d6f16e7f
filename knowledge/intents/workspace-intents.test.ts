import { describe, expect, test } from 'vitest';
import { memoryIntentSource } from '../../test/support/memory-intent-source.ts';
import { trainIntentDetector } from './intent-detector.ts';
import { STARTER_INTENTS, STARTER_OUT_OF_SCOPE_EXAMPLES, STARTER_REPLIES } from './starter-intents.ts';
import type { StoredIntentSource } from './workspace-intent-store.ts';
import { createWorkspaceIntents, mergeIntents, type WorkspaceIntentsOptions } from './workspace-intents.ts';

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

const detect = async (workspaceId: string, text: string) => (await intents.detectorFor(workspaceId)).detect(text);

describe('workspace intents', () => {
  test('a workspace’s own intent is detected there, with its reply', async () => {
    await expect(detect('shop', '我想办一张会员卡')).resolves.toMatchObject({ intent: 'membership' });
    expect(await intents.replyFor('shop', 'membership')).toBe(membership.reply);
  });

  test('another workspace knows nothing of it and keeps the starter set', async () => {
    const prediction = await detect('other', '我想办一张会员卡');
    expect(prediction.intent).not.toBe('membership');
    expect(await intents.replyFor('other', 'membership')).toBeUndefined();
    expect(await intents.replyFor('other', 'greeting')).toBe(STARTER_REPLIES.greeting);
  });

  test('redefining a starter intent replaces it, reply included', async () => {
    expect(await intents.replyFor('shop', 'greeting')).toBe('欢迎光临茶语时光！');
    expect(await intents.replyFor('shop', 'thanks')).toBe(STARTER_REPLIES.thanks);
    // Taken over without a reply: the intent still routes, the bot no longer answers it by rote.
    expect(await intents.replyFor('quiet', 'thanks')).toBeUndefined();
    await expect(detect('quiet', '谢谢')).resolves.toMatchObject({ intent: 'thanks' });
  });

  test('merging keeps the starter order and appends new intents', () => {
    const merged = mergeIntents(STARTER_INTENTS, [membership]);
    expect(merged.map((intent) => intent.name)).toEqual([...STARTER_INTENTS.map((intent) => intent.name), 'membership']);
    expect(merged.at(-1)).not.toHaveProperty('reply');
  });

  test('a disabled entry takes the base intent of its name out, and is a no-op for a name the base lacks', () => {
    const merged = mergeIntents(STARTER_INTENTS, [{ name: 'greeting', disabled: true }, membership, { name: 'unknown', disabled: true }]);
    expect(merged.map((intent) => intent.name)).toEqual([...STARTER_INTENTS.map((intent) => intent.name).filter((name) => name !== 'greeting'), 'membership']);
  });

  test('the config file can switch a starter intent off for one workspace, reply included', async () => {
    const configured = createWorkspaceIntents({
      base: STARTER_INTENTS,
      baseReplies: STARTER_REPLIES,
      outOfScopeExamples: STARTER_OUT_OF_SCOPE_EXAMPLES,
      own: [{ name: 'greeting', disabled: true, workspace: 'terse' }],
    });
    await expect((await configured.detectorFor('terse')).detect('你好')).resolves.not.toMatchObject({ intent: 'greeting' });
    expect(await configured.replyFor('terse', 'greeting')).toBeUndefined();
    expect(configured.inherited('terse').map((intent) => intent.name)).not.toContain('greeting');
    // Other workspaces keep it.
    await expect((await configured.detectorFor('other')).detect('你好')).resolves.toMatchObject({ intent: 'greeting' });
    expect(await configured.replyFor('other', 'greeting')).toBe(STARTER_REPLIES.greeting);
  });

  test('a bare number is no intent of its own (it used to read as goodbye)', async () => {
    for (const text of ['1', '2', '12345']) {
      const prediction = await detect('other', text);
      expect(prediction.intent, text).not.toBe('goodbye');
    }
    await expect(detect('other', '886')).resolves.toMatchObject({ intent: 'goodbye', source: 'rule' });
  });
});

/** Workspace intents over the starter set and an in-memory stored layer, on a clock the test sets. */
function withStoredLayer(options: Partial<WorkspaceIntentsOptions> = {}) {
  const memory = memoryIntentSource();
  const clock = { now: 0 };
  const layered = createWorkspaceIntents({
    base: STARTER_INTENTS,
    baseReplies: STARTER_REPLIES,
    outOfScopeExamples: STARTER_OUT_OF_SCOPE_EXAMPLES,
    stored: memory.source,
    now: () => clock.now,
    ...options,
  });
  return { ...memory, clock, layered };
}

describe('workspace intents with an API-managed layer', () => {
  test('stored intents go over configured ones by name, which go over the starter set; a new revision is seen at the next check', async () => {
    const { layered, put, reads, clock } = withStoredLayer({ own: [{ ...membership, workspace: 'shop' }] });
    expect(layered.inherited('shop').find((intent) => intent.name === 'membership')).toMatchObject({ source: 'config', reply: membership.reply });
    expect(layered.inherited('shop').find((intent) => intent.name === 'greeting')).toMatchObject({ source: 'starter', reply: STARTER_REPLIES.greeting });
    expect(layered.inherited('other').some((intent) => intent.name === 'membership')).toBe(false);
    expect(await layered.replyFor('shop', 'membership')).toBe(membership.reply);

    put('shop', [{ ...membership, reply: '会员请在小程序注册。' }, { name: 'greeting', examples: ['你好', '在吗'] }]);
    // Until the check interval has passed the detector trained before stands.
    clock.now = 4999;
    await layered.detectorFor('shop');
    expect(await layered.replyFor('shop', 'membership')).toBe(membership.reply);
    clock.now = 5000;
    await layered.detectorFor('shop'); // the check sees the new revision and trains it in the background
    await layered.refresh('shop'); // until it is in place
    await expect((await layered.detectorFor('shop')).detect('我想办一张会员卡')).resolves.toMatchObject({ intent: 'membership' });
    expect(await layered.replyFor('shop', 'membership')).toBe('会员请在小程序注册。');
    // Taken over without a reply: it routes, nothing answers it by rote.
    expect(await layered.replyFor('shop', 'greeting')).toBeUndefined();
    expect(await layered.replyFor('other', 'greeting')).toBe(STARTER_REPLIES.greeting);
    // An unchanged revision is one cheap read per check, nothing loaded.
    const loads = reads.load;
    clock.now = 10_000;
    await layered.detectorFor('shop');
    expect(reads.load).toBe(loads);

    // Clearing the stored list goes back to the configured intents.
    put('shop', []);
    clock.now = 15_000;
    await layered.detectorFor('shop');
    expect(await layered.replyFor('shop', 'membership')).toBe(membership.reply);
  });

  test('a changed list trains through `train` in the background: the detector it had answers until the new one is trained', async () => {
    const trained: string[][] = [];
    let release = () => {};
    const { layered, put, clock } = withStoredLayer({
      train: async (options) => {
        trained.push(options.intents.map((intent) => intent.name));
        await new Promise<void>((resolve) => (release = resolve));
        return trainIntentDetector(options);
      },
    });
    await expect((await layered.detectorFor('shop')).detect('你好')).resolves.toMatchObject({ intent: 'greeting' });
    put('shop', [membership]);
    clock.now = 5000;
    const during = await layered.detectorFor('shop');
    expect(trained).toEqual([[...STARTER_INTENTS.map((intent) => intent.name), 'membership']]);
    expect((await during.detect('我想办一张会员卡')).intent).not.toBe('membership');
    expect(await layered.replyFor('shop', 'membership')).toBeUndefined();
    release();
    await layered.refresh('shop');
    await expect((await layered.detectorFor('shop')).detect('我想办一张会员卡')).resolves.toMatchObject({ intent: 'membership' });
    expect(await layered.replyFor('shop', 'membership')).toBe(membership.reply);
  });

  test('a stored list switches off a configured intent and a starter one, replies included; clearing it brings them back', async () => {
    const { layered, put, clock } = withStoredLayer({ own: [{ ...membership, workspace: 'shop' }] });
    put('shop', [
      { name: 'membership', disabled: true },
      { name: 'invoice', disabled: true },
    ]);
    expect((await (await layered.detectorFor('shop')).detect('我想办一张会员卡')).intent).not.toBe('membership');
    expect((await (await layered.detectorFor('shop')).detect('能开发票吗')).intent).not.toBe('invoice');
    expect(await layered.replyFor('shop', 'membership')).toBeUndefined();
    // It is still inherited (the API lists it under builtIn, marked disabled).
    expect(layered.inherited('shop').map((intent) => intent.name)).toContain('membership');
    put('shop', []);
    clock.now = 5000;
    await layered.refresh('shop');
    await expect((await layered.detectorFor('shop')).detect('我想办一张会员卡')).resolves.toMatchObject({ intent: 'membership' });
    await expect((await layered.detectorFor('shop')).detect('能开发票吗')).resolves.toMatchObject({ intent: 'invoice' });
    expect(await layered.replyFor('shop', 'membership')).toBe(membership.reply);
  });

  test('a failing check is reported and the detector it had keeps answering', async () => {
    const reported: string[] = [];
    let failing = false;
    const { source, put } = memoryIntentSource();
    const flaky: StoredIntentSource = {
      revision: async (workspaceId) => {
        if (failing) throw new Error('database down');
        return source.revision(workspaceId);
      },
      load: source.load,
    };
    const { layered, clock } = withStoredLayer({
      stored: flaky,
      onRefreshError: (error, workspaceId) => reported.push(`${workspaceId}: ${(error as Error).message}`),
    });
    put('shop', [membership]);
    expect(await layered.replyFor('shop', 'membership')).toBe(membership.reply);
    failing = true;
    clock.now = 5000;
    await expect((await layered.detectorFor('shop')).detect('我想办一张会员卡')).resolves.toMatchObject({ intent: 'membership' });
    expect(reported).toEqual(['shop: database down']);
    // A workspace never loaded starts from the intents without stored ones.
    expect(await layered.replyFor('new', 'greeting')).toBe(STARTER_REPLIES.greeting);
    expect(reported).toEqual(['shop: database down', 'new: database down']);
  });
});

test('a list that cannot be trained is refused by prepare, naming the list', async () => {
  const twice = { name: 'twice', examples: ['重复的意图'] };
  await expect(intents.prepare('shop', [twice, twice])).rejects.toThrow(
    expect.objectContaining({ code: 'invalid_intents', item: 'intents', message: 'intents: cannot be trained: intent "twice" is defined twice' }),
  );
});
