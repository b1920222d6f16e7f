/**
 * The version lifecycle below the API, on PGlite and (when reachable) PostgreSQL: what the routes
 * do not show directly — rows left alone by a re-import, drafts racing rollbacks and CLI imports.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../bot/storage/database.ts';
import { knowledgeEntries, knowledgeVersions, workspaces } from '../bot/storage/schema.ts';
import { createTestDatabase, testDrivers } from '../test/support/services.ts';
import { faq } from './__fixtures__/demo-entries.ts';
import { createKnowledgeBase } from './knowledge-bases.ts';
import { addDraftEntry } from './knowledge-entries.ts';
import { diffEntries, importEntries } from './knowledge-import.ts';
import { createKnowledgeRepository } from './knowledge-repository.ts';
import { listVersions, openDraft, publishDraft, rollbackToVersion } from './knowledge-versions.ts';

describe('diffEntries', () => {
  it('refuses an entry id given twice', () => {
    expect(() => diffEntries([], [faq('a', 'q', 'x'), faq('a', 'q', 'y')])).toThrow(expect.objectContaining({ code: 'duplicate_entry_key' }));
  });
});

describe.each(await testDrivers())('knowledge versions on %s', (driver) => {
  let database: DatabaseHandle;
  let counter = 0;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await database.db.insert(workspaces).values({ id: 'w', name: 'W' });
  });
  afterAll(() => database.close());

  async function newBase() {
    const base = await createKnowledgeBase(database.db, { workspaceId: 'w', name: `kb-${++counter}` });
    return { workspaceId: 'w', knowledgeBaseId: base.id, name: base.name };
  }

  const rowOf = async (versionId: string, entryKey: string) =>
    (
      await database.db
        .select()
        .from(knowledgeEntries)
        .where(and(eq(knowledgeEntries.versionId, versionId), eq(knowledgeEntries.entryKey, entryKey)))
    )[0];

  it('leaves unchanged rows (and their embeddings) alone on re-import, and drops the embedding of a changed one', async () => {
    const key = await newBase();
    await importEntries(database.db, key, [faq('a', '问题一', '答案一'), faq('b', '问题二', '答案二')], { publish: true });
    const draft = await importEntries(database.db, key, [faq('a', '问题一', '答案一'), faq('b', '问题二', '答案二')]);
    expect(draft?.basis).toEqual({ status: 'published', number: 1 });
    const draftId = draft!.draft.id;
    await database.db.update(knowledgeEntries).set({ embedding: { model: 'test-model', dimensions: 2, vector: [0.5, 0.25] } }).where(eq(knowledgeEntries.versionId, draftId));
    const before = await rowOf(draftId, 'a');

    const result = await importEntries(database.db, key, [faq('a', '问题一', '答案一'), faq('b', '问题二', '新答案')]);
    expect(result?.diff).toEqual({ added: 0, changed: 1, removed: 0, unchanged: 1 });
    expect(result?.basis).toEqual({ status: 'draft', number: 2 });
    expect(result?.diffDetail).toEqual({ added: [], changed: [{ key: 'b', question: '问题二' }], removed: [] });
    const after = await rowOf(draftId, 'a');
    expect(after).toEqual(before);
    expect((await rowOf(draftId, 'b'))?.embedding).toBeNull();
    const replaced = await importEntries(database.db, key, [faq('c', '问题三', '答案三'), faq('a', '问题一', '答案一')]);
    expect(replaced?.diffDetail).toEqual({ added: [{ key: 'c', question: '问题三' }], changed: [], removed: [{ key: 'b', question: '问题二' }] });
  });

  it('publishes a draft opened before a rollback as the newest version', async () => {
    const key = await newBase();
    await importEntries(database.db, key, [faq('a', 'q', 'v1')], { publish: true });
    await importEntries(database.db, key, [faq('a', 'q', 'v2')], { publish: true });
    const draft = await openDraft(database.db, key);
    expect(draft).toMatchObject({ number: 3, created: true });
    expect(await openDraft(database.db, key)).toMatchObject({ id: draft?.id, created: false });
    await addDraftEntry(database.db, key, faq('b', 'q2', 'new'));

    expect(await rollbackToVersion(database.db, { ...key, number: 1 })).toMatchObject({ number: 4, entries: 1 });
    await expect(rollbackToVersion(database.db, { ...key, number: 3 })).rejects.toMatchObject({ code: 'not_published_yet' });
    expect(await publishDraft(database.db, key)).toMatchObject({ versionId: draft?.id, number: 5, entries: 2 });
    const versions = await listVersions(database.db, key);
    expect(versions.map((version) => [version.number, version.status, version.entries])).toEqual([
      [5, 'published', 2],
      [4, 'archived', 1],
      [2, 'archived', 1],
      [1, 'archived', 1],
    ]);
    expect(versions[1]?.basedOnVersionNumber).toBe(1);
  });

  it('keeps one draft per base when two operators open it at once', async () => {
    const key = await newBase();
    const opened = await Promise.all([openDraft(database.db, key), openDraft(database.db, key), openDraft(database.db, key)]);
    expect(new Set(opened.map((draft) => draft?.id)).size).toBe(1);
    expect(opened.filter((draft) => draft?.created)).toHaveLength(1);
  });

  it('lets a CLI import replace an open draft and publish it', async () => {
    const key = await newBase();
    const repository = createKnowledgeRepository(database.db);
    await repository.publishEntries('w', key.name, [faq('cli', 'q', 'one')]);
    await openDraft(database.db, key, {});
    await addDraftEntry(database.db, key, faq('draft-only', 'q', 'typed in the dashboard'));
    const published = await repository.publishEntries('w', key.name, [faq('cli', 'q', 'two')]);
    expect(published).toMatchObject({ knowledgeBaseId: key.knowledgeBaseId, number: 2, entries: 1 });
    const drafts = await database.db
      .select()
      .from(knowledgeVersions)
      .where(and(eq(knowledgeVersions.knowledgeBaseId, key.knowledgeBaseId), eq(knowledgeVersions.status, 'draft')));
    expect(drafts).toEqual([]);
    const live = (await repository.loadPublishedEntries('w')).filter((entry) => entry.knowledgeBaseId === key.knowledgeBaseId);
    expect(live.map((entry) => [entry.id, entry.answer])).toEqual([['cli', 'two']]);
  });
});
