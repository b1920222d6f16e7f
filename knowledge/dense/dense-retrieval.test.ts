/**
 * Dense retrieval fused with BM25 through the per-workspace retriever, over the real repository
 * and embedding store on PGlite and (when reachable) PostgreSQL. The model is a deterministic
 * bag of concepts (`__fixtures__/concept-embedding.ts`) on the AI SDK's mock embedding model.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../bot/storage/database.ts';
import { knowledgeEntries, workspaces } from '../../bot/storage/schema.ts';
import { createTestDatabase, testDrivers } from '../../test/support/services.ts';
import { faq } from '../__fixtures__/demo-entries.ts';
import { decideAnswer } from '../answer/answer-decision.ts';
import { createKnowledgeRepository, type KnowledgeRepository } from '../knowledge-repository.ts';
import { createKnowledgeRetriever, type KnowledgeRetrieverOptions } from '../retriever.ts';
import type { KnowledgeEntry } from '../types.ts';
import { conceptEmbeddingModel, embeddedValues } from './__fixtures__/concept-embedding.ts';
import { createEmbeddingStore, type EmbeddingStore } from './embedding-store.ts';

const shopEntries = (): KnowledgeEntry[] => [
  faq('refund', '怎么申请退款', '在订单详情页点击申请退款，3个工作日内原路退回。'),
  faq('hours', '几点开门', '每天10点到22点营业。'),
  faq('invoice', '可以开发票吗', '结账后在小程序里申请电子发票。'),
  faq('delivery', '外卖多久送到', '一般30分钟内送达。'),
];
/** Shares no character with the refund entry: BM25 finds nothing. */
const paraphrase = '钱能还给我吗';

describe.each(await testDrivers())('dense retrieval on %s', (driver) => {
  let database: DatabaseHandle;
  let repository: KnowledgeRepository;
  let store: EmbeddingStore;
  let workspace = 0;

  /** A fresh workspace id (each test publishes into its own). */
  const newWorkspace = async (): Promise<string> => {
    const id = `dense-${++workspace}`;
    await database.db.insert(workspaces).values({ id, name: id });
    return id;
  };
  const retrieverWith = (model: ReturnType<typeof conceptEmbeddingModel>, extra: Partial<KnowledgeRetrieverOptions> = {}) => {
    const errors: unknown[] = [];
    const retriever = createKnowledgeRetriever({
      source: repository,
      embedding: { model, store, onError: (error) => errors.push(error) },
      ...extra,
    });
    return { retriever, errors };
  };
  const ids = (hits: ReadonlyArray<{ entry: KnowledgeEntry }>) => hits.map((hit) => hit.entry.id);

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    repository = createKnowledgeRepository(database.db);
    store = createEmbeddingStore(database.db);
  });
  afterAll(() => database.close());

  it('finds a paraphrase that BM25 misses, and the decision answers it on dense support', async () => {
    const w = await newWorkspace();
    await repository.publishEntries(w, 'faq', shopEntries());
    const lexicalOnly = createKnowledgeRetriever({ source: repository });
    expect(ids(await lexicalOnly.retrieve(w, paraphrase, { limit: 3 }))).not.toContain('refund');
    expect(decideAnswer(paraphrase, await lexicalOnly.retrieve(w, paraphrase, { limit: 3 })).outcome).not.toBe('answer');

    const { retriever, errors } = retrieverWith(conceptEmbeddingModel());
    await retriever.embedded(w);
    const hits = await retriever.retrieve(w, paraphrase, { limit: 3 });
    expect(hits[0]?.entry.id).toBe('refund');
    expect(hits[0]?.similarity).toBeCloseTo(1, 5);
    expect(hits[0]?.score).toBe(0); // found by the vectors alone
    const decision = decideAnswer(paraphrase, hits);
    expect(decision).toMatchObject({ outcome: 'answer', support: 'dense', best: { entry: { id: 'refund' } } });
    // A lexically strong question keeps its BM25 score and its lexical decision.
    const exact = await retriever.retrieve(w, '几点开门', { limit: 3 });
    expect(exact[0]).toMatchObject({ entry: { id: 'hours' } });
    expect(exact[0]?.score).toBeGreaterThan(0);
    expect(decideAnswer('几点开门', exact).support).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('persists vectors with their model and never recomputes an unchanged entry', async () => {
    const w = await newWorkspace();
    await repository.publishEntries(w, 'faq', shopEntries());
    const model = conceptEmbeddingModel();
    const first = retrieverWith(model).retriever;
    await first.embedded(w);
    expect(embeddedValues(model)).toBe(4);
    const rows = await database.db.select().from(knowledgeEntries).where(eq(knowledgeEntries.workspaceId, w));
    expect(rows.map((row) => row.embedding?.model)).toEqual(Array(4).fill('mock-provider:concepts-v1'));
    expect(rows[0]?.embedding?.dimensions).toBe(rows[0]?.embedding?.vector.length);

    // Another process starts: it loads the stored vectors.
    const second = retrieverWith(model).retriever;
    await second.embedded(w);
    expect(ids(await second.retrieve(w, paraphrase, { limit: 1 }))).toEqual(['refund']);
    const afterRestart = embeddedValues(model);
    expect(afterRestart).toBe(5); // + the query, nothing else

    // The same table published again: new rows, same hashes. The running retriever has nothing to
    // do; a process starting now reuses the stored vectors and copies them onto the new rows.
    const republished = await repository.publishEntries(w, 'faq', shopEntries());
    await second.refresh(w);
    await second.embedded(w);
    await retrieverWith(model).retriever.embedded(w);
    expect(embeddedValues(model)).toBe(afterRestart);
    const newRows = await database.db
      .select()
      .from(knowledgeEntries)
      .where(and(eq(knowledgeEntries.workspaceId, w), eq(knowledgeEntries.versionId, republished.versionId)));
    expect(newRows.every((row) => row.embedding?.model === 'mock-provider:concepts-v1')).toBe(true);

    // A different model does not take these vectors.
    const otherModel = conceptEmbeddingModel({ modelId: 'concepts-v2' });
    await retrieverWith(otherModel).retriever.embedded(w);
    expect(embeddedValues(otherModel)).toBe(4);
  });

  it('re-embeds only the entries whose content changed', async () => {
    const w = await newWorkspace();
    await repository.publishEntries(w, 'faq', shopEntries());
    const model = conceptEmbeddingModel();
    const { retriever } = retrieverWith(model);
    await retriever.embedded(w);
    const before = model.doEmbedCalls.length;

    const [refund, hours, invoice] = shopEntries();
    await repository.publishEntries(w, 'faq', [
      refund!,
      { ...hours!, answer: '每天9点到23点营业。' },
      invoice!,
      faq('points', '积分怎么用', '积分可以抵扣现金。'),
    ]);
    await retriever.refresh(w);
    await retriever.embedded(w);
    const newCalls = model.doEmbedCalls.slice(before).flatMap((call) => call.values);
    expect(newCalls.sort()).toEqual(['几点开门\n每天9点到23点营业。', '积分怎么用\n积分可以抵扣现金。']);
    // The removed entry is gone from both halves.
    expect(ids(await retriever.retrieve(w, '送餐', { limit: 5 }))).not.toContain('delivery');
  });

  it('falls back to BM25 when the model fails or is too slow for a query, and reports it', async () => {
    const w = await newWorkspace();
    await repository.publishEntries(w, 'faq', shopEntries());
    // BM25 finds the invoice through 发票; the vectors add the refund.
    const mixed = '钱还给我，发票呢';
    const lexical = await createKnowledgeRetriever({ source: repository }).retrieve(w, mixed, { limit: 3 });
    expect(lexical.length).toBeGreaterThan(0);

    let queries: 'fail' | 'hang' | 'work' = 'fail';
    const isQuery = (values: string[]) => values.length === 1 && values[0] === mixed;
    const model = conceptEmbeddingModel({
      failure: (values) => (!isQuery(values) || queries === 'work' ? undefined : queries === 'hang' ? 'hang' : new Error('503 upstream')),
    });
    const errors: unknown[] = [];
    const failing = createKnowledgeRetriever({
      source: repository,
      embedding: { model, store, queryTimeoutMs: 50, queryCooldownMs: 0, onError: (error) => errors.push(error) },
    });
    await failing.embedded(w);
    expect(await failing.retrieve(w, mixed, { limit: 3 })).toEqual(lexical);
    queries = 'hang';
    expect(await failing.retrieve(w, mixed, { limit: 3 })).toEqual(lexical);
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual(['embedding_failed', 'embedding_timeout']);
    queries = 'work';
    const fused = ids(await failing.retrieve(w, mixed, { limit: 3 }));
    expect(fused).toContain('refund');
    expect(ids(lexical)).not.toContain('refund');
  });

  it('answers from BM25 while vectors are missing, and catches up after a failed batch', async () => {
    const w = await newWorkspace();
    await repository.publishEntries(w, 'faq', shopEntries());
    let clock = 0;
    let entries: 'hang' | 'fail' | 'work' = 'hang';
    const model = conceptEmbeddingModel({
      failure: (values) => {
        if (values.length === 1 || entries === 'work') return undefined;
        return entries === 'hang' ? 'hang' : new Error('down');
      },
    });
    const errors: unknown[] = [];
    const retriever = createKnowledgeRetriever({
      source: repository,
      now: () => clock,
      embedding: { model, store, firstQueryWaitMs: 20, batchTimeoutMs: 100, retryAfterMs: 1000, onError: (error) => errors.push(error) },
    });
    // The first query is answered by BM25 without waiting for the hanging batch.
    const started = performance.now();
    const hits = await retriever.retrieve(w, '怎么申请退款', { limit: 3 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(hits[0]).toMatchObject({ entry: { id: 'refund' } });
    expect(hits[0]?.similarity).toBeUndefined();
    await retriever.embedded(w);
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual(['embedding_timeout']);

    entries = 'work';
    await retriever.retrieve(w, paraphrase); // before the retry delay: nothing is tried
    await retriever.embedded(w);
    expect(ids(await retriever.retrieve(w, paraphrase, { limit: 3 }))[0]).not.toBe('refund');
    clock = 1000;
    await retriever.retrieve(w, paraphrase);
    await retriever.embedded(w);
    expect(ids(await retriever.retrieve(w, paraphrase, { limit: 3 }))[0]).toBe('refund');
  });

  it("keeps workspaces apart: one workspace's vectors never answer another's query", async () => {
    const w1 = await newWorkspace();
    const w2 = await newWorkspace();
    await repository.publishEntries(w1, 'faq', shopEntries());
    const [, hours, invoice] = shopEntries();
    await repository.publishEntries(w2, 'faq', [hours!, invoice!]);
    const model = conceptEmbeddingModel();
    const { retriever } = retrieverWith(model);
    await retriever.embedded(w1);
    expect(embeddedValues(model)).toBe(4);
    // Same content, other workspace: its vectors are its own, computed again.
    await retriever.embedded(w2);
    expect(embeddedValues(model)).toBe(6);
    const hits = await retriever.retrieve(w2, paraphrase, { limit: 5 });
    expect(ids(hits)).not.toContain('refund');
    expect(ids(hits).every((id) => id === 'hours' || id === 'invoice')).toBe(true);
    const w2Rows = await database.db.select().from(knowledgeEntries).where(eq(knowledgeEntries.workspaceId, w2));
    expect(w2Rows.map((row) => row.entryKey).sort()).toEqual(['hours', 'invoice']);
  });

  it('without an embedding model, retrieves exactly as BM25 and adds no similarity', async () => {
    const w = await newWorkspace();
    await repository.publishEntries(w, 'faq', shopEntries());
    const plain = createKnowledgeRetriever({ source: repository });
    const model = conceptEmbeddingModel();
    for (const query of ['怎么申请退款', '几点开门', paraphrase, '外卖']) {
      const hits = await plain.retrieve(w, query, { limit: 3 });
      expect(hits.every((hit) => !('similarity' in hit))).toBe(true);
    }
    expect(model.doEmbedCalls).toEqual([]);
    expect(await database.db.select().from(knowledgeEntries).where(eq(knowledgeEntries.workspaceId, w))).toSatisfy(
      (rows: Array<{ embedding: unknown }>) => rows.every((row) => row.embedding === null),
    );
  });
});
