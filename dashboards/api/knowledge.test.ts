/**
 * Knowledge bases through the dashboard API as an operator uses them: import, edit in a draft,
 * publish, roll back, golden sets; with roles and workspace isolation. Runs on PGlite and (when
 * reachable) PostgreSQL, with the real per-workspace retriever the chat pipeline uses.
 */
import { describe, expect, it } from 'vitest';
import type { WorkspaceKnowledgeRetriever } from '../../knowledge/retriever.ts';
import { testDrivers } from '../../test/support/services.ts';
import { bearer, databaseForSuite, login, operatorSession, seedOperator, unique } from './test-support.ts';

const faqFile = [
  'id\tquestion\tsimilar\tanswer',
  'hours\t你们几点开门？\t营业时间|几点关门\t每天10点到22点营业。',
  'stores\t你们的门店在哪里？\t门店地址|店在哪\t西湖店在湖滨路36号。',
  'refund\t怎么申请退款？\t退钱|不想要了\t在订单页点“申请退款”，1–3个工作日原路退回。',
].join('\n');

describe.each(await testDrivers())('dashboard knowledge on %s', (driver) => {
  const suite = databaseForSuite(driver);

  async function setup() {
    const { workspaceId, client, reported, headers, retriever } = await operatorSession(suite.db);
    const created = await client.post('/api/v1/knowledge-bases').set(headers).send({ name: 'FAQ' }).expect(201);
    const baseId: string = created.body.knowledgeBase.id;
    const base = `/api/v1/knowledge-bases/${baseId}`;
    const importFile = (text: string, query = 'fileName=faq.tsv&publish=true') =>
      client.post(`${base}/import?${query}`).set(headers).set('Content-Type', 'text/tab-separated-values').send(text);
    return { workspaceId, client, reported, headers, baseId, base, retriever, importFile };
  }

  const topAnswer = async (retriever: WorkspaceKnowledgeRetriever, workspaceId: string, query: string) =>
    (await retriever.retrieve(workspaceId, query))[0]?.entry.answer;

  it('answers an edit only once the draft is published, and the old answer again after a rollback', async () => {
    const { workspaceId, client, headers, base, retriever, importFile, reported } = await setup();
    const imported = await importFile(faqFile).expect(200);
    expect(imported.body.version).toMatchObject({ number: 1, entries: 3 });
    expect(await topAnswer(retriever, workspaceId, '几点开门')).toBe('每天10点到22点营业。');

    const opened = await client.post(`${base}/draft`).set(headers).expect(201);
    expect(opened.body.draft).toMatchObject({ number: 2, entries: 3 });
    await client.post(`${base}/draft`).set(headers).expect(200);
    const edited = await client.patch(`${base}/draft/entries/hours`).set(headers).send({ answer: '春节期间每天11点到20点营业。' });
    expect(edited.status).toBe(200);
    expect(edited.body.entry).toMatchObject({ id: 'hours', question: '你们几点开门？', answer: '春节期间每天11点到20点营业。' });
    await client
      .post(`${base}/draft/entries`)
      .set(headers)
      .send({ id: '充电', question: '有电动车充电桩吗', answer: '西湖店门口有充电桩。' })
      .expect(201);
    await client.delete(`${base}/draft/entries/refund`).set(headers).expect(204);
    await client.delete(`${base}/draft/entries/refund`).set(headers).expect(404);

    // The draft is visible to operators, not to customers, even after the retriever checks again.
    await retriever.refresh(workspaceId);
    expect(await topAnswer(retriever, workspaceId, '几点开门')).toBe('每天10点到22点营业。');
    const draftEntries = await client.get(`${base}/entries?version=draft`).set(headers).expect(200);
    expect(draftEntries.body.entries.map((entry: { id: string }) => entry.id)).toEqual(['hours', 'stores', '充电']);
    const publishedEntries = await client.get(`${base}/entries`).set(headers).expect(200);
    expect(publishedEntries.body.entries.map((entry: { id: string }) => entry.id)).toEqual(['hours', 'refund', 'stores']);

    const published = await client.post(`${base}/draft/publish`).set(headers).expect(200);
    expect(published.body).toEqual({ version: { id: expect.any(String), number: 2, entries: 3 }, goldenRun: null });
    expect(await topAnswer(retriever, workspaceId, '几点开门')).toBe('春节期间每天11点到20点营业。');
    expect(await topAnswer(retriever, workspaceId, '有电动车充电桩吗')).toBe('西湖店门口有充电桩。');
    await client.post(`${base}/draft/publish`).set(headers).expect(404);

    const rolledBack = await client.post(`${base}/rollback`).set(headers).send({ version: 1 }).expect(200);
    expect(rolledBack.body.version).toMatchObject({ number: 3, entries: 3 });
    expect(await topAnswer(retriever, workspaceId, '几点开门')).toBe('每天10点到22点营业。');
    const versions = await client.get(`${base}/versions`).set(headers).expect(200);
    expect(
      versions.body.versions.map((version: { number: number; status: string; basedOnVersionNumber: number | null }) => [
        version.number,
        version.status,
        version.basedOnVersionNumber,
      ]),
    ).toEqual([
      [3, 'published', 1],
      [2, 'archived', 1],
      [1, 'archived', null],
    ]);
    const again = await client.post(`${base}/rollback`).set(headers).send({ version: 3 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_published');
    await client.post(`${base}/rollback`).set(headers).send({ version: 9 }).expect(404);
    expect(reported).toEqual([]);
  });

  it('discards a draft without touching the published version', async () => {
    const { client, headers, base, importFile } = await setup();
    await importFile(faqFile).expect(200);
    await client.post(`${base}/draft`).set(headers).expect(201);
    await client.patch(`${base}/draft/entries/hours`).set(headers).send({ answer: '不营业' }).expect(200);
    await client.delete(`${base}/draft`).set(headers).expect(204);
    await client.delete(`${base}/draft`).set(headers).expect(404);
    await client.patch(`${base}/draft/entries/hours`).set(headers).send({ answer: '不营业' }).expect(404);
    const summary = await client.get(base).set(headers).expect(200);
    expect(summary.body.knowledgeBase).toMatchObject({ name: 'FAQ', draft: null, published: { number: 1, entries: 3 } });
    const firstPage = await client.get(`${base}/entries?limit=2`).set(headers).expect(200);
    const secondPage = await client.get(`${base}/entries?limit=2&cursor=${firstPage.body.nextCursor}`).set(headers).expect(200);
    expect([...firstPage.body.entries, ...secondPage.body.entries].map((entry: { id: string }) => entry.id)).toEqual(['hours', 'refund', 'stores']);
    expect(secondPage.body.nextCursor).toBeNull();
    const entries = await client.get(`${base}/entries?q=营业`).set(headers).expect(200);
    expect(entries.body.entries.map((entry: { answer: string }) => entry.answer)).toEqual(['每天10点到22点营业。']);
  });

  it('re-imports a changed file by touching only what changed', async () => {
    const { client, headers, base, importFile } = await setup();
    const first = await importFile(faqFile).expect(200);
    expect(first.body.diff).toEqual({ added: 3, changed: 0, removed: 0, unchanged: 0, against: null, named: [], more: 0 });
    const changedFile = [
      'id\tquestion\tsimilar\tanswer',
      'hours\t你们几点开门？\t营业时间|几点关门\t每天10点到22点营业。',
      'stores\t你们的门店在哪里？\t门店地址|店在哪\t西湖店搬到了南山路8号。',
      'invoice\t能开发票吗？\t\t可以，在订单页申请电子发票。',
    ].join('\n');
    const second = await importFile(changedFile, 'fileName=faq.tsv').expect(200);
    // The diff `kefu import` prints: counts against what the import replaced, and the entries it touched.
    expect(second.body).toMatchObject({
      format: 'tsv',
      entries: 3,
      diff: {
        added: 1,
        changed: 1,
        removed: 1,
        unchanged: 1,
        against: { status: 'published', number: 1 },
        named: [
          { change: 'changed', key: 'stores', question: '你们的门店在哪里？' },
          { change: 'removed', key: 'refund', question: '怎么申请退款？' },
        ],
        more: 0,
      },
      problems: [],
      draft: { number: 2, created: true },
      version: null,
    });
    const hashes = async (version: string) => {
      const page = await client.get(`${base}/entries?version=${version}`).set(headers).expect(200);
      return new Map(page.body.entries.map((entry: { id: string; contentHash: string }) => [entry.id, entry.contentHash]));
    };
    const [published, draft] = [await hashes('published'), await hashes('draft')];
    expect(draft.get('hours')).toBe(published.get('hours'));
    expect(draft.get('stores')).not.toBe(published.get('stores'));
    expect([...draft.keys()].sort()).toEqual(['hours', 'invoice', 'stores']);
    // Importing the same file into the draft again changes nothing.
    const third = await importFile(changedFile, 'fileName=faq.tsv&publish=true').expect(200);
    expect(third.body.diff).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 3, against: { status: 'draft', number: 2 }, named: [], more: 0 });
    expect(third.body.draft.created).toBe(false);
    expect(third.body.version).toMatchObject({ number: 2, entries: 3 });
  });

  it('names at most 10 changed and removed entries of a re-import, changed first, and counts the rest', async () => {
    const { importFile } = await setup();
    const table = (answer: string, count: number) =>
      ['id\tquestion\tanswer', ...Array.from({ length: count }, (_, index) => `q${index + 10}\t问题${index + 10}\t${answer}`)].join('\n');
    await importFile(table('旧答案', 12)).expect(200);
    const response = await importFile(table('新答案', 9), 'fileName=faq.tsv').expect(200);
    const { named, ...counts } = response.body.diff;
    expect(counts).toEqual({ added: 0, changed: 9, removed: 3, unchanged: 0, against: { status: 'published', number: 1 }, more: 2 });
    expect(named.map((entry: { change: string; key: string }) => `${entry.change} ${entry.key}`)).toEqual([
      ...Array.from({ length: 9 }, (_, index) => `changed q${index + 10}`),
      'removed q19',
    ]);
  });

  it('reports bad rows with their line, and writes nothing for a file without a usable entry', async () => {
    const { client, headers, base, baseId, importFile } = await setup();
    const partly = await importFile('id\tquestion\tanswer\nhours\t几点开门\t10点\nbroken\t没有答案\t\n', 'fileName=faq.tsv');
    expect(partly.status).toBe(200);
    expect(partly.body.problems).toEqual([{ line: 3, reason: 'missing answer' }]);
    expect(partly.body.diff).toMatchObject({ added: 1, changed: 0, removed: 0, unchanged: 0 });
    await client.delete(`${base}/draft`).set(headers).expect(204);

    const nothing = await importFile('id\tquestion\tanswer\nbroken\t没有答案\t\n\tno id\tanswer?\n');
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.code).toBe('empty_import');
    expect(nothing.body.error.message).toContain('line 2: missing answer');
    const unreadable = await importFile('just some words\nand more\n');
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.error.code).toBe('bad_knowledge_file');
    // No dependency reads Excel 97–2003 workbooks: refused with what to do instead.
    const legacy = await importFile('x', 'fileName=faq.xls&publish=true');
    expect(legacy.status).toBe(400);
    expect(legacy.body.error).toMatchObject({ code: 'bad_knowledge_file', message: expect.stringMatching(/^faq\.xls: an Excel 97–2003 workbook \(\.xls\) is not read; save it as \.xlsx/) });
    const gbk = await client
      .post(`${base}/import?publish=true`)
      .set(headers)
      .set('X-File-Name', encodeURIComponent('常见问题.csv'))
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from([0xb3, 0xa3, 0xbc, 0xfb, 0x2c, 0xce, 0xca, 0xcc, 0xe2, 0x0a]));
    expect(gbk.status).toBe(400);
    // A GBK file (Excel's default export here) is read, so the problem named is its header's.
    expect(gbk.body.error.message).toMatch(/^常见问题\.csv: line 1: no answer column/);
    await client.post(`${base}/import`).set(headers).send('x').expect(400);

    const summary = await client.get(`/api/v1/knowledge-bases/${baseId}`).set(headers).expect(200);
    expect(summary.body.knowledgeBase).toMatchObject({ published: null, draft: null });
    expect((await client.get(`${base}/versions`).set(headers).expect(200)).body.versions).toEqual([]);
  });

  it('runs the golden set on publish and shows what was retrieved instead of a missed entry', async () => {
    const { client, headers, base, importFile } = await setup();
    await importFile(faqFile).expect(200);
    const golden = 'query\tgold_ids\n你们几点开门\thours\n退钱\tstores\n\tdangling\n门店地址在哪\tstores,invoice\n';
    const replaced = await client.put(`${base}/golden-set`).set(headers).set('Content-Type', 'text/tab-separated-values').send(golden);
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ rows: 3, problems: [{ line: 4, reason: 'empty query' }], unknownKeys: ['invoice'] });
    expect((await client.get(`${base}/golden-set`).set(headers).expect(200)).body.rows[1]).toEqual({
      query: '退钱',
      expectedKeys: ['stores'],
    });

    await client.post(`${base}/draft`).set(headers).expect(201);
    const published = await client.post(`${base}/draft/publish`).set(headers).expect(200);
    const run = published.body.goldenRun;
    expect(run).toMatchObject({ versionNumber: 2, trigger: 'publish', queries: 3, 'hit@1': 0.6667 });
    expect(run.misses).toHaveLength(1);
    expect(run.misses[0]).toMatchObject({ query: '退钱', expectedKeys: ['stores'] });
    expect(run.misses[0].retrieved[0]).toMatchObject({ key: 'refund', question: '怎么申请退款？' });

    await client
      .put(`${base}/golden-set`)
      .set(headers)
      .send({ rows: [{ query: '退钱', expectedKeys: ['refund'] }] })
      .expect(200);
    const manual = await client.post(`${base}/golden-runs`).set(headers).expect(201);
    expect(manual.body.run).toMatchObject({ trigger: 'manual', versionNumber: 2, 'hit@1': 1, misses: [] });
    const runs = await client.get(`${base}/golden-runs`).set(headers).expect(200);
    expect(runs.body.runs.map((item: { trigger: string }) => item.trigger)).toEqual(['manual', 'publish']);
    const bad = await client.put(`${base}/golden-set`).set(headers).set('Content-Type', 'text/tab-separated-values').send('q\tids\nx\ty\n');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_golden_set');
  });

  it('runs the golden set on the draft before publishing: regressions and fixes against the published version', async () => {
    const { client, headers, base, importFile } = await setup();
    await importFile(faqFile).expect(200);
    const golden = { rows: [
      { query: '你们几点开门', expectedKeys: ['hours'] },
      { query: '门店地址在哪', expectedKeys: ['stores'] },
      { query: '能开发票吗', expectedKeys: ['invoice'] },
    ] };
    await client.put(`${base}/golden-set`).set(headers).send(golden).expect(200);

    const withoutDraft = await client.post(`${base}/draft/golden-run`).set(headers);
    expect(withoutDraft.status).toBe(409);
    expect(withoutDraft.body.error).toEqual({ code: 'no_draft', message: expect.stringContaining('no open draft') });

    await client.post(`${base}/draft`).set(headers).expect(201);
    // One edit breaks a golden question (its entry no longer says when the shop opens), one fixes a miss.
    await client.patch(`${base}/draft/entries/hours`).set(headers).send({ question: '春节安排', variants: [], answer: '春节期间照常营业。' }).expect(200);
    await client.post(`${base}/draft/entries`).set(headers).send({ id: 'invoice', question: '能开发票吗？', answer: '可以，在订单页申请电子发票。' }).expect(201);

    const response = await client.post(`${base}/draft/golden-run`).set(headers).expect(200);
    const run = response.body;
    expect(run).toMatchObject({
      queries: 3,
      draft: { versionNumber: 2, entries: 4, 'hit@1': 0.6667 },
      published: { versionNumber: 1, entries: 3, 'hit@1': 0.6667 },
    });
    expect(run.draft.misses.map((miss: { query: string }) => miss.query)).toEqual(['你们几点开门']);
    expect(run.published.misses.map((miss: { query: string }) => miss.query)).toEqual(['能开发票吗']);
    expect(run.regressions).toHaveLength(1);
    expect(run.regressions[0]).toMatchObject({ query: '你们几点开门', expectedKeys: ['hours'] });
    expect(run.regressions[0].retrieved[0]?.key).not.toBe('hours');
    expect(run.fixes).toHaveLength(1);
    expect(run.fixes[0]).toMatchObject({ query: '能开发票吗', expectedKeys: ['invoice'] });
    expect(run.fixes[0].retrieved.map((hit: { key: string }) => hit.key)).not.toContain('invoice');

    // A preview is not a run of a version: nothing is stored, the draft stays a draft.
    expect((await client.get(`${base}/golden-runs`).set(headers).expect(200)).body.runs).toEqual([]);
    expect((await client.get(base).set(headers).expect(200)).body.knowledgeBase).toMatchObject({ draft: { number: 2 }, published: { number: 1 } });

    // Fixing the broken entry in the draft leaves only the fix.
    await client.patch(`${base}/draft/entries/hours`).set(headers).send({ question: '你们几点开门？', variants: ['营业时间'] }).expect(200);
    const fixed = await client.post(`${base}/draft/golden-run`).set(headers).expect(200);
    expect(fixed.body).toMatchObject({ draft: { 'hit@1': 1, misses: [] }, regressions: [], fixes: [{ query: '能开发票吗' }] });

    await client.put(`${base}/golden-set`).set(headers).send({ rows: [] }).expect(200);
    const empty = await client.post(`${base}/draft/golden-run`).set(headers);
    expect(empty.status).toBe(409);
    expect(empty.body.error.code).toBe('empty_golden_set');
  });

  it('runs the golden set on the draft of a base with nothing published, with nothing to compare', async () => {
    const { client, headers, base, importFile } = await setup();
    await importFile(faqFile, 'fileName=faq.tsv').expect(200);
    await client.put(`${base}/golden-set`).set(headers).send({ rows: [{ query: '退钱', expectedKeys: ['refund'] }] }).expect(200);
    const run = await client.post(`${base}/draft/golden-run`).set(headers).expect(200);
    expect(run.body).toMatchObject({ queries: 1, draft: { versionNumber: 1, 'hit@1': 1 }, published: null, regressions: [], fixes: [] });
  });

  it('lets viewers and staff read but not change knowledge', async () => {
    const { workspaceId, client, base, headers, importFile } = await setup();
    await importFile(faqFile).expect(200);
    for (const role of ['viewer', 'staff'] as const) {
      const reader = await seedOperator(suite.db, { workspaceId, role });
      const readerHeaders = bearer(await login(client, reader.username));
      await client.get('/api/v1/knowledge-bases').set(readerHeaders).expect(200);
      await client.get(`${base}/entries`).set(readerHeaders).expect(200);
      await client.get(`${base}/golden-runs`).set(readerHeaders).expect(200);
      const refused = await client.post(`${base}/draft`).set(readerHeaders);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
      await client.post(`${base}/draft/publish`).set(readerHeaders).expect(403);
      await client.post(`${base}/rollback`).set(readerHeaders).send({ version: 1 }).expect(403);
      await client.post(`${base}/import?fileName=faq.tsv`).set(readerHeaders).set('Content-Type', 'text/plain').send(faqFile).expect(403);
      await client.put(`${base}/golden-set`).set(readerHeaders).send({ rows: [] }).expect(403);
      const preview = await client.post(`${base}/draft/golden-run`).set(readerHeaders);
      expect(preview.status).toBe(403);
      expect(preview.body.error.code).toBe('forbidden');
      await client.post('/api/v1/knowledge-bases').set(readerHeaders).send({ name: unique('kb') }).expect(403);
    }
    const versions = await client.get(`${base}/versions`).set(headers).expect(200);
    expect(versions.body.versions).toHaveLength(1);
  });

  it('answers 404 for another workspace’s knowledge base and leaves it untouched', async () => {
    const home = await setup();
    const foreign = await setup();
    await foreign.importFile(faqFile).expect(200);
    const { client, headers } = home;
    const base = foreign.base;
    const list = await client.get('/api/v1/knowledge-bases').set(headers).expect(200);
    expect(list.body.knowledgeBases.map((knowledgeBase: { id: string }) => knowledgeBase.id)).toEqual([home.baseId]);
    const attempts = [
      client.get(base),
      client.get(`${base}/versions`),
      client.get(`${base}/entries`),
      client.get(`${base}/golden-set`),
      client.get(`${base}/golden-runs`),
      client.post(`${base}/draft`),
      client.delete(`${base}/draft`),
      client.post(`${base}/draft/entries`).send({ id: 'x', answer: 'y' }),
      client.patch(`${base}/draft/entries/hours`).send({ answer: 'hijacked' }),
      client.post(`${base}/draft/publish`),
      client.post(`${base}/rollback`).send({ version: 1 }),
      client.post(`${base}/import?fileName=faq.tsv`).set('Content-Type', 'text/plain').send(faqFile),
      client.put(`${base}/golden-set`).send({ rows: [] }),
      client.post(`${base}/golden-runs`),
      client.post(`${base}/draft/golden-run`),
      client.get('/api/v1/knowledge-bases/not-a-uuid'),
    ];
    for (const attempt of attempts) {
      const response = await attempt.set(headers);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: { code: 'not_found', message: 'knowledge base not found' } });
    }
    const untouched = await foreign.client.get(base).set(foreign.headers).expect(200);
    expect(untouched.body.knowledgeBase).toMatchObject({ draft: null, published: { number: 1, entries: 3 } });
    // Names are unique per workspace, not across workspaces.
    await client.post('/api/v1/knowledge-bases').set(headers).send({ name: 'FAQ' }).expect(409);
    expect(home.reported).toEqual([]);
  });
});
