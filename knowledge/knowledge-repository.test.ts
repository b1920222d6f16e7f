/**
 * Publishing FAQ tables into knowledge bases and loading them back for the retriever, on PGlite
 * and (when reachable) PostgreSQL.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../bot/storage/database.ts';
import { knowledgeBases, knowledgeEntries, knowledgeVersions, workspaces } from '../bot/storage/schema.ts';
import { createTestDatabase, testDrivers } from '../test/support/services.ts';
import { demoEntries, faq } from './__fixtures__/demo-entries.ts';
import { createKnowledgeRepository, type KnowledgeRepository } from './knowledge-repository.ts';
import { createKnowledgeRetriever } from './retriever.ts';

describe.each(await testDrivers())('knowledge repository on %s', (driver) => {
  let database: DatabaseHandle;
  let repository: KnowledgeRepository;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await database.db.insert(workspaces).values([
      { id: 'w1', name: 'W1' },
      { id: 'w2', name: 'W2' },
    ]);
    repository = createKnowledgeRepository(database.db);
  });
  afterAll(() => database.close());

  it('publishes a table as version 1 and loads its entries for the workspace', async () => {
    const entries = demoEntries();
    const published = await repository.publishEntries('w1', 'faq', entries);
    expect(published).toMatchObject({ number: 1, entries: entries.length });
    const loaded = await repository.loadPublishedEntries('w1');
    expect(loaded).toHaveLength(entries.length);
    const hours = loaded.find((entry) => entry.id === 'hours');
    expect(hours).toMatchObject({ kind: 'faq', category: '门店', sourceName: 'milk-tea-faq.tsv' });
    expect(hours?.variants).toEqual(entries.find((entry) => entry.id === 'hours')?.variants);
    expect(await repository.loadPublishedEntries('w2')).toEqual([]);
    const [stored] = await database.db.select().from(knowledgeEntries).where(eq(knowledgeEntries.entryKey, 'hours'));
    expect(stored?.position).toEqual({ line: 2 });
  });

  it('publishes a new version, archives the old one and changes the stamp', async () => {
    const before = await repository.publishedStamp('w1');
    const published = await repository.publishEntries('w1', 'faq', [faq('hours', '几点开门', '每天9点开门。')]);
    expect(published.number).toBe(2);
    expect(await repository.publishedStamp('w1')).not.toBe(before);
    const versions = await database.db
      .select({ number: knowledgeVersions.number, status: knowledgeVersions.status })
      .from(knowledgeVersions)
      .where(eq(knowledgeVersions.knowledgeBaseId, published.knowledgeBaseId))
      .orderBy(knowledgeVersions.number);
    expect(versions).toEqual([
      { number: 1, status: 'archived' },
      { number: 2, status: 'published' },
    ]);
    expect((await repository.loadPublishedEntries('w1')).map((entry) => entry.answer)).toEqual(['每天9点开门。']);
  });

  it('writes nothing when the import fails half-way', async () => {
    const stamp = await repository.publishedStamp('w1');
    const countRows = async () => (await database.db.select().from(knowledgeEntries)).length;
    const rowsBefore = await countRows();
    // The second entry violates NOT NULL on answer, after the first batch row is prepared.
    const broken = [faq('ok', '问题', '答案'), { ...faq('bad', '问题', '答案'), answer: null as unknown as string }];
    await expect(repository.publishEntries('w1', 'faq', broken)).rejects.toThrow();
    await expect(repository.publishEntries('w1', 'new-base', broken)).rejects.toThrow();
    expect(await repository.publishedStamp('w1')).toBe(stamp);
    expect(await countRows()).toBe(rowsBefore);
    expect(await database.db.select().from(knowledgeBases).where(eq(knowledgeBases.name, 'new-base'))).toEqual([]);
  });

  it('refuses duplicate entry ids before writing', async () => {
    await expect(repository.publishEntries('w1', 'faq', [faq('a', 'q', 'x'), faq('a', 'q', 'y')])).rejects.toMatchObject({
      code: 'duplicate_entry_key',
    });
  });

  it('feeds the retriever, which picks up a new publication on refresh', async () => {
    await repository.publishEntries('w2', 'faq', demoEntries());
    const retriever = createKnowledgeRetriever({ source: repository });
    expect((await retriever.retrieve('w2', '我想退钱'))[0]?.entry.id).toBe('refund');
    const charging = async () => (await retriever.retrieve('w2', '电动车充电桩')).map((hit) => hit.entry.id);
    expect(await charging()).not.toContain('charging');

    await repository.publishEntries('w2', 'faq', [...demoEntries(), faq('charging', '有电动车充电桩吗', '西湖店门口有充电桩。')]);
    await retriever.refresh('w2');
    expect((await charging())[0]).toBe('charging');
  });
});
