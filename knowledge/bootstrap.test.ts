/** Start-up import of configured knowledge files (documents and tables) into empty workspaces. */
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../bot/storage/database.ts';
import { workspaces } from '../bot/storage/schema.ts';
import { createTestDatabase } from '../test/support/services.ts';
import { demoFaqPath } from './__fixtures__/demo-entries.ts';
import { prepareKnowledge } from './bootstrap.ts';
import { createKnowledgeRepository } from './knowledge-repository.ts';

const documents = fileURLToPath(new URL('./__fixtures__/documents/', import.meta.url));

describe('prepareKnowledge', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    await database.db.insert(workspaces).values([
      { id: 'w1', name: 'W1' },
      { id: 'w2', name: 'W2' },
    ]);
  });
  afterAll(() => database.close());

  it('publishes files configured for the same knowledge base together, and directories of documents', async () => {
    const log = pino({ level: 'silent' });
    const retriever = await prepareKnowledge(
      database.db,
      [
        { workspace: 'w1', file: fileURLToPath(demoFaqPath), name: '茶语时光' },
        { workspace: 'w1', file: `${documents}store-policy.md`, name: '茶语时光' },
        { workspace: 'w2', file: documents, name: '资料' },
      ],
      log,
    );
    const repository = createKnowledgeRepository(database.db);
    const w1 = await repository.loadPublishedEntries('w1');
    expect(w1.some((entry) => entry.kind === 'faq')).toBe(true);
    expect(w1.filter((entry) => entry.kind === 'chunk').map((entry) => entry.sourceName)).toContain('store-policy.md');
    const w2Sources = new Set((await repository.loadPublishedEntries('w2')).map((entry) => entry.sourceName));
    expect(w2Sources).toEqual(new Set(['allergen-guide.pdf', 'allergen-guide.pdf.html', 'delivery-policy.docx', 'membership.html', 'store-notice.txt', 'store-policy.md']));
    expect((await retriever.retrieve('w2', '送错饮品怎么办'))[0]?.entry.sourceName).toBe('delivery-policy.docx');

    // A second start finds the workspaces published and imports nothing.
    const stamp = await repository.publishedStamp('w1');
    await prepareKnowledge(database.db, [{ workspace: 'w1', file: `${documents}membership.html`, name: '茶语时光' }], log);
    expect(await repository.publishedStamp('w1')).toBe(stamp);
  });
});
