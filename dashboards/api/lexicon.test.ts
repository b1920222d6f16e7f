/**
 * The workspace lexicon through the dashboard API as an operator uses it, with the real
 * per-workspace retriever the chat pipeline uses: a synonym finds an entry only once it is in the
 * lexicon, in this process at once and in another one at its next stamp check; with roles,
 * workspace isolation and input errors. Runs on PGlite and (when reachable) PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { createKnowledgeRepository } from '../../knowledge/knowledge-repository.ts';
import { createKnowledgeRetriever, type WorkspaceKnowledgeRetriever } from '../../knowledge/retriever.ts';
import { testDrivers } from '../../test/support/services.ts';
import { bearer, databaseForSuite, login, operatorSession, seedOperator } from './test-support.ts';

const faqFile = [
  'id\tquestion\tsimilar\tanswer',
  'hours\t你们几点开门？\t营业时间\t每天10点到22点营业。',
  'mango\t杨枝甘露是什么做的？\t\t芒果、西柚和西米。',
  'refund\t怎么申请退款？\t不想要了\t在订单页点“申请退款”，1–3个工作日原路退回。',
].join('\n');

/** A nickname customers use for 杨枝甘露: no character of it appears in the knowledge. */
const nickname = '小黄杯';

describe.each(await testDrivers())('dashboard lexicon on %s', (driver) => {
  const suite = databaseForSuite(driver);

  /** A workspace with the FAQ published, an operator's client, and this process's retriever. */
  async function setup() {
    const { workspaceId, operator, client, reported, headers, retriever } = await operatorSession(suite.db);
    const created = await client.post('/api/v1/knowledge-bases').set(headers).send({ name: 'FAQ' }).expect(201);
    await client
      .post(`/api/v1/knowledge-bases/${created.body.knowledgeBase.id}/import?fileName=faq.tsv&publish=true`)
      .set(headers)
      .set('Content-Type', 'text/tab-separated-values')
      .send(faqFile)
      .expect(200);
    return { workspaceId, operator, client, reported, headers, retriever };
  }

  const topKey = async (retriever: WorkspaceKnowledgeRetriever, workspaceId: string, query: string) =>
    (await retriever.retrieve(workspaceId, query))[0]?.entry.id;

  it('finds an entry by a synonym only once the lexicon has it: here at once, in another process at its next check', async () => {
    const { workspaceId, client, headers, retriever, reported } = await setup();
    let clock = 0;
    const otherProcess = createKnowledgeRetriever({ source: createKnowledgeRepository(suite.db), checkIntervalMs: 5000, now: () => clock });
    expect(await topKey(retriever, workspaceId, nickname)).toBeUndefined();
    expect(await topKey(otherProcess, workspaceId, `${nickname}多少钱`)).toBeUndefined();

    const empty = await client.get('/api/v1/lexicon').set(headers).expect(200);
    expect(empty.body.lexicon).toEqual({ words: [], synonyms: {}, revision: 0, updatedBy: null, updatedAt: null });

    const replaced = await client
      .put('/api/v1/lexicon')
      .set(headers)
      .send({ words: ['芋泥波波'], synonyms: { [nickname]: '杨枝甘露' }, revision: 0 })
      .expect(200);
    expect(replaced.body.lexicon).toMatchObject({ words: ['芋泥波波'], synonyms: { [nickname]: '杨枝甘露' }, revision: 1, updatedBy: expect.any(String) });
    expect(await topKey(retriever, workspaceId, nickname)).toBe('mango');
    // Entries' own words still work after the rebuild.
    expect(await topKey(retriever, workspaceId, '几点开门')).toBe('hours');

    // Another process keeps its index until its stamp check, which sees the new lexicon revision.
    clock = 4999;
    expect(await topKey(otherProcess, workspaceId, nickname)).toBeUndefined();
    clock = 5000;
    expect(await topKey(otherProcess, workspaceId, nickname)).toBe('mango');

    const read = await client.get('/api/v1/lexicon').set(headers).expect(200);
    expect(read.body.lexicon).toEqual(replaced.body.lexicon);

    // Taking the synonym out takes the match away again.
    await client.put('/api/v1/lexicon').set(headers).send({ words: ['芋泥波波'] }).expect(200);
    expect(await topKey(retriever, workspaceId, nickname)).toBeUndefined();
    clock = 10_000;
    expect(await topKey(otherProcess, workspaceId, nickname)).toBeUndefined();
    expect(reported).toEqual([]);
  });

  it('runs golden sets with the workspace lexicon', async () => {
    const { client, headers } = await setup();
    const [base] = (await client.get('/api/v1/knowledge-bases').set(headers).expect(200)).body.knowledgeBases;
    const golden = `/api/v1/knowledge-bases/${base.id}`;
    await client.put(`${golden}/golden-set`).set(headers).send({ rows: [{ query: nickname, expectedKeys: ['mango'] }] }).expect(200);
    const before = await client.post(`${golden}/golden-runs`).set(headers).expect(201);
    expect(before.body.run).toMatchObject({ 'hit@1': 0 });
    await client.put('/api/v1/lexicon').set(headers).send({ synonyms: { [nickname]: '杨枝甘露' } }).expect(200);
    const after = await client.post(`${golden}/golden-runs`).set(headers).expect(201);
    expect(after.body.run).toMatchObject({ 'hit@1': 1, misses: [] });
  });

  it('runs the golden set of every published base again after a change: the latest stored run shows the synonym’s effect', async () => {
    const { operator, client, headers, reported } = await setup();
    const [base] = (await client.get('/api/v1/knowledge-bases').set(headers).expect(200)).body.knowledgeBases;
    const faq = `/api/v1/knowledge-bases/${base.id}`;
    const rows = [
      { query: nickname, expectedKeys: ['mango'] },
      { query: '几点开门', expectedKeys: ['hours'] },
    ];
    await client.put(`${faq}/golden-set`).set(headers).send({ rows }).expect(200);
    // Not run: a base with a golden set but nothing published, and a published base without one.
    const unpublished = (await client.post('/api/v1/knowledge-bases').set(headers).send({ name: 'Drafts' }).expect(201)).body.knowledgeBase.id;
    await client
      .post(`/api/v1/knowledge-bases/${unpublished}/import?fileName=drafts.tsv`)
      .set(headers)
      .set('Content-Type', 'text/tab-separated-values')
      .send('id\tquestion\tanswer\ndraft-mango\t杨枝甘露多少钱？\t18元。')
      .expect(200);
    await client.put(`/api/v1/knowledge-bases/${unpublished}/golden-set`).set(headers).send({ rows }).expect(200);
    const withoutGoldenSet = (await client.post('/api/v1/knowledge-bases').set(headers).send({ name: 'Menu' }).expect(201)).body.knowledgeBase.id;
    await client
      .post(`/api/v1/knowledge-bases/${withoutGoldenSet}/import?fileName=menu.tsv&publish=true`)
      .set(headers)
      .set('Content-Type', 'text/tab-separated-values')
      .send('id\tquestion\tanswer\nmenu-tea\t有什么茶？\t红茶、绿茶、乌龙。')
      .expect(200);

    const before = await client.post(`${faq}/golden-runs`).set(headers).expect(201);
    expect(before.body.run).toMatchObject({ trigger: 'manual', 'hit@1': 0.5, misses: [{ query: nickname, expectedKeys: ['mango'] }] });

    const added = await client.put('/api/v1/lexicon').set(headers).send({ synonyms: { [nickname]: '杨枝甘露' } }).expect(200);
    expect(added.body.goldenRuns).toEqual([
      expect.objectContaining({ knowledgeBaseId: base.id, versionNumber: 1, trigger: 'lexicon', operatorId: operator.id, queries: 2, 'hit@1': 1, misses: [] }),
    ]);
    const latest = async () => (await client.get(`${faq}/golden-runs?limit=1`).set(headers).expect(200)).body.runs[0];
    expect(await latest()).toEqual(added.body.goldenRuns[0]);
    expect((await client.get(`/api/v1/knowledge-bases/${unpublished}/golden-runs`).set(headers).expect(200)).body.runs).toEqual([]);
    expect((await client.get(`/api/v1/knowledge-bases/${withoutGoldenSet}/golden-runs`).set(headers).expect(200)).body.runs).toEqual([]);

    // Taking the synonym out again turns the query back into a miss, in a new stored run.
    const removed = await client.put('/api/v1/lexicon').set(headers).send({}).expect(200);
    expect(removed.body.goldenRuns).toHaveLength(1);
    expect(await latest()).toMatchObject({ id: removed.body.goldenRuns[0].id, trigger: 'lexicon', 'hit@1': 0.5, misses: [{ query: nickname }] });
    const triggers = (await client.get(`${faq}/golden-runs`).set(headers).expect(200)).body.runs.map((run: { trigger: string }) => run.trigger);
    expect(triggers).toEqual(['lexicon', 'lexicon', 'manual']);
    expect(reported).toEqual([]);
  });

  it('leaves another workspace’s lexicon and retrieval untouched', async () => {
    const home = await setup();
    const foreign = await setup();
    expect(await topKey(foreign.retriever, foreign.workspaceId, nickname)).toBeUndefined();
    await home.client.put('/api/v1/lexicon').set(home.headers).send({ synonyms: { [nickname]: '杨枝甘露' } }).expect(200);
    expect(await topKey(home.retriever, home.workspaceId, nickname)).toBe('mango');

    // The same retriever serves both workspaces in one process: only the home index changed.
    expect(await topKey(home.retriever, foreign.workspaceId, nickname)).toBeUndefined();
    await home.retriever.refresh(foreign.workspaceId);
    expect(await topKey(home.retriever, foreign.workspaceId, nickname)).toBeUndefined();
    const foreignLexicon = await foreign.client.get('/api/v1/lexicon').set(foreign.headers).expect(200);
    expect(foreignLexicon.body.lexicon).toMatchObject({ words: [], synonyms: {}, revision: 0 });
  });

  it('lets viewers and staff read the lexicon but not change it', async () => {
    const { workspaceId, client, headers, retriever } = await setup();
    await client.put('/api/v1/lexicon').set(headers).send({ words: ['芋泥波波'] }).expect(200);
    for (const role of ['viewer', 'staff'] as const) {
      const reader = await seedOperator(suite.db, { workspaceId, role });
      const readerHeaders = bearer(await login(client, reader.username));
      const read = await client.get('/api/v1/lexicon').set(readerHeaders).expect(200);
      expect(read.body.lexicon.words).toEqual(['芋泥波波']);
      const refused = await client.put('/api/v1/lexicon').set(readerHeaders).send({ synonyms: { [nickname]: '杨枝甘露' } });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    await client.get('/api/v1/lexicon').expect(401);
    expect((await client.get('/api/v1/lexicon').set(headers).expect(200)).body.lexicon.revision).toBe(1);
    expect(await topKey(retriever, workspaceId, nickname)).toBeUndefined();
  });

  it('answers 400 naming the bad item, and 409 for a stale revision, changing nothing', async () => {
    const { client, headers } = await setup();
    const cases: Array<[body: object, field: string, message: string]> = [
      [{ words: ['杨枝甘露', ''] }, 'words.1', 'words.1: empty word'],
      [{ words: ['超'.repeat(31)] }, 'words.0', `words.0: "${'超'.repeat(31)}" is longer than 30 characters`],
      [{ synonyms: { 退款: '退款' } }, 'synonyms.退款', 'synonyms.退款: maps "退款" to itself'],
      [
        { synonyms: { 小黄杯: '杨甘', 杨甘: '小黄杯' } },
        'synonyms.小黄杯',
        'synonyms.小黄杯: "小黄杯" → "杨甘" and "杨甘" → "小黄杯" form a cycle; keep one direction',
      ],
      [
        { synonyms: { 小黄杯: '杨甘', 杨甘: '杨枝甘露' } },
        'synonyms.小黄杯',
        'synonyms.小黄杯: "小黄杯" → "杨甘" chains into "杨甘" → "杨枝甘露"; map "小黄杯" to "杨枝甘露" directly',
      ],
    ];
    for (const [body, field, message] of cases) {
      const response = await client.put('/api/v1/lexicon').set(headers).send(body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: { code: 'invalid_lexicon', message, field } });
    }
    const wrongShape = await client.put('/api/v1/lexicon').set(headers).send({ words: '杨枝甘露' });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.error).toMatchObject({ code: 'validation_failed', field: 'words' });
    const unknownKey = await client.put('/api/v1/lexicon').set(headers).send({ stopwords: ['的'] });
    expect(unknownKey.body.error).toMatchObject({ code: 'validation_failed', field: 'stopwords' });
    expect((await client.get('/api/v1/lexicon').set(headers).expect(200)).body.lexicon.revision).toBe(0);

    await client.put('/api/v1/lexicon').set(headers).send({ words: ['芋泥波波'], revision: 0 }).expect(200);
    const stale = await client.put('/api/v1/lexicon').set(headers).send({ words: ['杨枝甘露'], revision: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'lexicon_changed', field: 'revision' });
    const kept = await client.get('/api/v1/lexicon').set(headers).expect(200);
    expect(kept.body.lexicon).toMatchObject({ words: ['芋泥波波'], revision: 1 });
  });
});
