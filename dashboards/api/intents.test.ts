/**
 * The workspace's own intents through the dashboard API as an operator uses them, with the real
 * default pipeline a customer's message goes through: an intent stored by `PUT /intents` answers
 * with its fixed reply in this process at once and in another process at its next stamp check,
 * and nowhere else; a starter intent switched off no longer answers until it leaves the list; with
 * roles, input errors (nothing stored) and stale revisions. Runs on PGlite
 * and (when reachable) PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { directTextContext } from '../../test/support/bot-context.ts';
import { textOf } from '../../bot/model.ts';
import { createMemoryCache } from '../../bot/ports/memory-cache.ts';
import { createDefaultPipeline } from '../../handlers/default-pipeline.ts';
import { demoEntries } from '../../knowledge/__fixtures__/demo-entries.ts';
import { STARTER_INTENTS, STARTER_OUT_OF_SCOPE_EXAMPLES, STARTER_REPLIES } from '../../knowledge/intents/starter-intents.ts';
import { createStoredIntentSource } from '../../knowledge/intents/workspace-intent-store.ts';
import { createWorkspaceIntents, type WorkspaceIntents } from '../../knowledge/intents/workspace-intents.ts';
import { createStaticRetriever } from '../../knowledge/retriever.ts';
import { testDrivers } from '../../test/support/services.ts';
import { bearer, createTestApp, databaseForSuite, login, seedOperator, seedWorkspace } from './test-support.ts';

const openingPromo = {
  name: 'opening_promo',
  description: '新店开业活动 / opening promotion',
  examples: ['开业有什么活动', '新店开业有优惠吗', '开业活动是什么', '开业期间打折吗', '新店有什么优惠活动', '开张有没有福利'],
  reply: '新店开业期间全场饮品第二杯半价，持续到月底。',
};
const question = '你们新店开业有什么优惠活动吗？';

/** The reply a customer of `workspaceId` gets to `text` from the default pipeline over `intents`. */
async function ask(intents: WorkspaceIntents, workspaceId: string, text: string) {
  const pipeline = createDefaultPipeline({ retriever: createStaticRetriever(demoEntries()), cache: createMemoryCache(), intents });
  const ctx = directTextContext(workspaceId, text);
  await pipeline(ctx);
  expect(ctx.replies).toHaveLength(1);
  return { intent: ctx.replies[0]!.intent, text: textOf(ctx.replies[0]!.parts) };
}

describe.each(await testDrivers())('dashboard intents on %s', (driver) => {
  const suite = databaseForSuite(driver);

  /** A "process": workspace intents over the database, as `startKefu` builds them, on a clock of its own. */
  function createProcessIntents(clock: () => number = () => 0) {
    return createWorkspaceIntents({
      base: STARTER_INTENTS,
      baseReplies: STARTER_REPLIES,
      outOfScopeExamples: STARTER_OUT_OF_SCOPE_EXAMPLES,
      stored: createStoredIntentSource(suite.db),
      now: clock,
    });
  }

  /** A workspace, an operator's client, and this process's intents (shared by the API and the pipeline). */
  async function setup() {
    const { workspaceId } = await seedWorkspace(suite.db);
    const operator = await seedOperator(suite.db, { workspaceId, role: 'operator' });
    // Checks the database only when told to: a change is seen here because the API installs it.
    const intents = createProcessIntents();
    const { client, reported } = createTestApp({ db: suite.db, intents });
    const headers = bearer(await login(client, operator.username));
    return { workspaceId, client, reported, headers, intents };
  }

  it('answers with a stored intent’s reply: here at once, in another process at its next check, in no other workspace', async () => {
    const { workspaceId, client, headers, intents, reported } = await setup();
    const foreign = await seedWorkspace(suite.db);
    let clock = 0;
    const otherProcess = createProcessIntents(() => clock);
    expect((await ask(intents, workspaceId, question)).text).not.toBe(openingPromo.reply);
    expect((await ask(otherProcess, workspaceId, question)).text).not.toBe(openingPromo.reply);

    const empty = await client.get('/api/v1/intents').set(headers).expect(200);
    expect(empty.body).toMatchObject({ intents: [], revision: 0, updatedBy: null, updatedAt: null });
    expect(empty.body.builtIn.map((intent: { name: string }) => intent.name)).toEqual(STARTER_INTENTS.map((intent) => intent.name));
    expect(empty.body.builtIn.find((intent: { name: string }) => intent.name === 'greeting')).toMatchObject({
      source: 'starter',
      reply: STARTER_REPLIES.greeting,
      replaced: false,
    });

    const replaced = await client.put('/api/v1/intents').set(headers).send({ intents: [openingPromo], revision: 0 }).expect(200);
    expect(replaced.body).toMatchObject({ intents: [openingPromo], revision: 1, updatedBy: expect.any(String) });
    await expect(ask(intents, workspaceId, question)).resolves.toEqual({ intent: 'opening_promo', text: openingPromo.reply });
    // The starter intents still answer beside it.
    await expect(ask(intents, workspaceId, '谢谢')).resolves.toMatchObject({ text: STARTER_REPLIES.thanks });
    // Another workspace of the same process knows nothing of it.
    expect((await ask(intents, foreign.workspaceId, question)).intent).not.toBe('opening_promo');

    // Another process keeps its detector until its stamp check, which sees the new revision.
    clock = 4999;
    expect((await ask(otherProcess, workspaceId, question)).text).not.toBe(openingPromo.reply);
    clock = 5000;
    await ask(otherProcess, workspaceId, question); // its check sees the new revision and trains it in the background
    await otherProcess.refresh(workspaceId); // until the new detector is in place
    await expect(ask(otherProcess, workspaceId, question)).resolves.toEqual({ intent: 'opening_promo', text: openingPromo.reply });
    expect((await ask(otherProcess, foreign.workspaceId, question)).intent).not.toBe('opening_promo');

    const read = await client.get('/api/v1/intents').set(headers).expect(200);
    expect(read.body).toEqual(replaced.body);

    // Taking the intent out takes the reply away again, here and there.
    await client.put('/api/v1/intents').set(headers).send({ intents: [] }).expect(200);
    expect((await ask(intents, workspaceId, question)).intent).not.toBe('opening_promo');
    clock = 10_000;
    expect((await ask(otherProcess, workspaceId, question)).intent).not.toBe('opening_promo');
    expect(reported).toEqual([]);
  });

  it('puts a stored intent over a starter one of the same name, and marks the starter one replaced', async () => {
    const { workspaceId, client, headers, intents } = await setup();
    const greeting = { name: 'greeting', examples: ['你好', '在吗', '哈喽'], reply: '欢迎光临茶语时光！' };
    const stored = await client.put('/api/v1/intents').set(headers).send({ intents: [greeting] }).expect(200);
    expect(stored.body.builtIn.find((intent: { name: string }) => intent.name === 'greeting')).toMatchObject({ source: 'starter', replaced: true });
    await expect(ask(intents, workspaceId, '你好')).resolves.toEqual({ intent: 'greeting', text: greeting.reply });
  });

  it('switches a starter intent off for the workspace, here and in another process, and on again when it leaves the list', async () => {
    const { workspaceId, client, headers, intents } = await setup();
    const foreign = await seedWorkspace(suite.db);
    let clock = 0;
    const otherProcess = createProcessIntents(() => clock);
    const greeted = { intent: 'greeting', text: STARTER_REPLIES.greeting };
    await expect(ask(intents, workspaceId, '你好')).resolves.toEqual(greeted);
    await expect(ask(otherProcess, workspaceId, '你好')).resolves.toEqual(greeted);

    const off = await client
      .put('/api/v1/intents')
      .set(headers)
      .send({ intents: [{ name: 'greeting', disabled: true }, openingPromo], revision: 0 })
      .expect(200);
    expect(off.body.intents).toEqual([{ name: 'greeting', disabled: true }, openingPromo]);
    const builtIn = (name: string) => off.body.builtIn.find((intent: { name: string }) => intent.name === name);
    expect(builtIn('greeting')).toMatchObject({ source: 'starter', reply: STARTER_REPLIES.greeting, disabled: true, replaced: false });
    expect(builtIn('thanks')).toMatchObject({ disabled: false, replaced: false });

    const unanswered = await ask(intents, workspaceId, '你好');
    expect(unanswered.intent).not.toBe('greeting');
    expect(unanswered.text).not.toBe(STARTER_REPLIES.greeting);
    // The rest of the starter set and the own intents answer as before; other workspaces keep it.
    await expect(ask(intents, workspaceId, '谢谢')).resolves.toMatchObject({ text: STARTER_REPLIES.thanks });
    await expect(ask(intents, workspaceId, question)).resolves.toEqual({ intent: 'opening_promo', text: openingPromo.reply });
    await expect(ask(intents, foreign.workspaceId, '你好')).resolves.toEqual(greeted);
    // Another process at its check.
    clock = 5000;
    await otherProcess.refresh(workspaceId);
    expect((await ask(otherProcess, workspaceId, '你好')).intent).not.toBe('greeting');

    // Leaving the entry out switches it on again.
    const on = await client.put('/api/v1/intents').set(headers).send({ intents: [openingPromo], revision: off.body.revision }).expect(200);
    expect(on.body.builtIn.find((intent: { name: string }) => intent.name === 'greeting')).toMatchObject({ disabled: false });
    await expect(ask(intents, workspaceId, '你好')).resolves.toEqual(greeted);
    clock = 10_000;
    await otherProcess.refresh(workspaceId);
    await expect(ask(otherProcess, workspaceId, '你好')).resolves.toEqual(greeted);
  });

  it('lets viewers and staff read the intents but not change them', async () => {
    const { workspaceId, client, headers, intents } = await setup();
    await client.put('/api/v1/intents').set(headers).send({ intents: [openingPromo] }).expect(200);
    for (const role of ['viewer', 'staff'] as const) {
      const reader = await seedOperator(suite.db, { workspaceId, role });
      const readerHeaders = bearer(await login(client, reader.username));
      const read = await client.get('/api/v1/intents').set(readerHeaders).expect(200);
      expect(read.body.intents).toEqual([openingPromo]);
      const refused = await client.put('/api/v1/intents').set(readerHeaders).send({ intents: [] });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    await client.get('/api/v1/intents').expect(401);
    expect((await client.get('/api/v1/intents').set(headers).expect(200)).body.revision).toBe(1);
    await expect(ask(intents, workspaceId, question)).resolves.toMatchObject({ text: openingPromo.reply });
  });

  it('answers 400 naming the bad item, and 409 for a stale revision, storing nothing', async () => {
    const { workspaceId, client, headers, intents } = await setup();
    const valid = { name: 'membership', examples: ['怎么办会员卡'] };
    const cases: Array<[intents: unknown[], field: string, message: string]> = [
      [
        [valid, { name: 'b', examples: ['x'] }, { ...openingPromo, patterns: ['开业', '(活动'] }],
        'intents[2].patterns[1]',
        'intents[2].patterns[1]: not a valid regular expression',
      ],
      [[valid, { ...valid, examples: ['会员'] }], 'intents[1].name', 'intents[1].name: "membership" is listed twice (as intents[0] too)'],
      [[{ name: 'oos', examples: ['随便'] }], 'intents[0].name', 'intents[0].name: "oos" is reserved for out-of-scope utterances'],
      [[{ name: 'empty', reply: '好的' }], 'intents[0]', 'intents[0]: give the intent examples, keywords or patterns'],
      [[{ ...valid, workspace: 'other' }], 'intents[0].workspace', 'intents[0].workspace: Unrecognized key: "workspace"'],
      [[{ ...valid, examples: [''] }], 'intents[0].examples[0]', 'intents[0].examples[0]: Too small: expected string to have >=1 characters'],
      [
        [valid, { name: 'greetings', disabled: true }],
        'intents[1].name',
        'intents[1].name: "greetings" is no starter or configured intent of this workspace; only those can be disabled',
      ],
      [[{ name: 'greeting', disabled: true, reply: '好的' }], 'intents[0].reply', 'intents[0].reply: a disabled intent holds only its name'],
      [
        [{ name: 'greeting', disabled: false }],
        'intents[0].disabled',
        'intents[0].disabled: only true; to switch the intent back on, leave it out of the list',
      ],
      [
        [{ name: 'greeting', examples: ['你好'] }, { name: 'greeting', disabled: true }],
        'intents[1].name',
        'intents[1].name: "greeting" is listed twice (as intents[0] too)',
      ],
    ];
    for (const [list, field, message] of cases) {
      const response = await client.put('/api/v1/intents').set(headers).send({ intents: list });
      expect(response.status, field).toBe(400);
      expect(response.body).toEqual({ error: { code: 'invalid_intents', message, field } });
    }
    const wrongShape = await client.put('/api/v1/intents').set(headers).send({ intents: openingPromo });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.error).toMatchObject({ code: 'validation_failed', field: 'intents' });
    const tooMany = await client
      .put('/api/v1/intents')
      .set(headers)
      .send({ intents: Array.from({ length: 201 }, (_, i) => ({ name: `i${i}`, keywords: [`k${i}`] })) });
    expect(tooMany.body.error).toMatchObject({ code: 'invalid_intents', field: 'intents', message: 'intents: more than 200 intents' });
    expect((await client.get('/api/v1/intents').set(headers).expect(200)).body).toMatchObject({ intents: [], revision: 0 });
    expect((await ask(intents, workspaceId, question)).intent).not.toBe('opening_promo');

    await client.put('/api/v1/intents').set(headers).send({ intents: [valid], revision: 0 }).expect(200);
    const stale = await client.put('/api/v1/intents').set(headers).send({ intents: [openingPromo], revision: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'intents_changed', field: 'revision' });
    const kept = await client.get('/api/v1/intents').set(headers).expect(200);
    expect(kept.body).toMatchObject({ intents: [valid], revision: 1 });
    // The refused list was trained but never installed.
    expect((await ask(intents, workspaceId, question)).intent).not.toBe('opening_promo');
  });
});
