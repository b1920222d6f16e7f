/**
 * End to end on the embedded database: documents and tables imported through the repository,
 * positions stored, the right chunk retrieved for a Chinese question, and a refused import that
 * leaves the published base as it was.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../bot/storage/database.ts';
import { knowledgeEntries, workspaces } from '../../bot/storage/schema.ts';
import { createTestDatabase } from '../../test/support/services.ts';
import { createKnowledgeRepository, type KnowledgeRepository } from '../knowledge-repository.ts';
import { citationOf } from '../answer/citation.ts';
import { createKnowledgeRetriever } from '../retriever.ts';
import { importKnowledgeFiles, KnowledgeImportError } from './import-knowledge-files.ts';
import { collectKnowledgeFiles } from './knowledge-file-sources.ts';

const documents = fileURLToPath(new URL('../__fixtures__/documents/', import.meta.url));

describe('importKnowledgeFiles on PGlite', () => {
  let database: DatabaseHandle;
  let repository: KnowledgeRepository;
  let scratch: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    await database.db.insert(workspaces).values({ id: 'w1', name: 'W1' });
    repository = createKnowledgeRepository(database.db);
    scratch = await mkdtemp(join(tmpdir(), 'kefu-import-'));
  });
  afterAll(async () => {
    await database.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('publishes a Markdown document with an FAQ table and answers a Chinese question from the right chunk', async () => {
    const faq = join(scratch, 'faq.tsv');
    await writeFile(faq, 'id\tquestion\tanswer\nwifi\t有WiFi吗\t有，密码在收银台。\nbad\t没有答案\t\n');
    const files = await collectKnowledgeFiles([join(documents, 'store-policy.md'), faq]);
    const events: string[] = [];
    const result = await importKnowledgeFiles(
      repository,
      { workspace: 'w1', name: '门店资料', files },
      {
        fileDone: (file, index, total, outcome) => events.push(`${index + 1}/${total} ${file.sourceName} ${outcome.parsed?.entries.length}`),
        publishing: (entries) => events.push(`publishing ${entries}`),
      },
    );
    expect(events).toEqual(['1/2 store-policy.md 6', '2/2 faq.tsv 1', 'publishing 7']);
    expect(result).toMatchObject({ number: 1, entries: 7, faqs: 1, chunks: 6, problems: [{ file: 'faq.tsv', line: 3, reason: 'missing answer' }] });

    const retriever = createKnowledgeRetriever({ source: repository });
    const complaint = (await retriever.retrieve('w1', '我要投诉，客服电话是多少？'))[0]?.entry;
    expect(complaint).toMatchObject({ kind: 'chunk', question: '茶语时光门店服务指南 > 退换与投诉 > 投诉渠道', sourceName: 'store-policy.md' });
    expect(complaint?.answer).toContain('400-800-1234');
    expect((await retriever.retrieve('w1', '大杯杨枝甘露多少钱'))[0]?.entry.question).toBe('茶语时光门店服务指南 > 饮品价格');

    const [stored] = await database.db.select().from(knowledgeEntries).where(eq(knowledgeEntries.entryKey, complaint!.id));
    expect(stored?.position).toEqual({ headingPath: ['茶语时光门店服务指南', '退换与投诉', '投诉渠道'], lineStart: 35, lineEnd: 35, line: 35 });
    // The published entry keeps its place, so the answer can cite it.
    expect(citationOf({ entry: complaint!, score: 1 })).toMatchObject({ title: '茶语时光门店服务指南 > 退换与投诉 > 投诉渠道', source: 'store-policy.md 第35行' });
  });

  it('imports a directory, naming files by their path inside it', async () => {
    const files = await collectKnowledgeFiles([documents]);
    expect(files.map((file) => file.sourceName)).toEqual([
      'allergen-guide.pdf',
      'allergen-guide.pdf.html',
      'delivery-policy.docx',
      'membership.html',
      'store-notice.txt',
      'store-policy.md',
    ]);
  });

  it('publishes nothing when one file cannot be used, and reports every problem', async () => {
    const stamp = await repository.publishedStamp('w1');
    const broken = join(scratch, 'broken.pdf');
    await writeFile(broken, '%PDF-1.7\n这不是一个完整的 PDF');
    const files = await collectKnowledgeFiles([join(documents, 'membership.html'), broken, join(scratch, 'faq.tsv')]);
    const error = await importKnowledgeFiles(repository, { workspace: 'w1', name: '门店资料', files }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KnowledgeImportError);
    expect((error as KnowledgeImportError).message).toBe('nothing was published: broken.pdf could not be used');
    expect((error as KnowledgeImportError).problems).toEqual([
      { file: 'broken.pdf', reason: expect.stringMatching(/^not a readable PDF/) },
      { file: 'faq.tsv', line: 3, reason: 'missing answer' },
    ]);
    expect(await repository.publishedStamp('w1')).toBe(stamp);
    expect((await repository.loadPublishedEntries('w1')).map((entry) => entry.sourceName)).not.toContain('membership.html');
  });

  it('skips an id used by an earlier file and reports it', async () => {
    const other = join(scratch, 'other.tsv');
    await writeFile(other, 'id\tquestion\tanswer\nwifi\tWiFi密码\t问店员。\nhours\t几点开门\t10点。\n');
    const files = await collectKnowledgeFiles([join(scratch, 'faq.tsv'), other]);
    const result = await importKnowledgeFiles(repository, { workspace: 'w1', name: '门店资料', files });
    expect(result.entries).toBe(2);
    expect(result.problems).toContainEqual({ file: 'other.tsv', line: 2, reason: 'id "wifi" is already used in faq.tsv; row skipped' });
  });
});
