import { describe, expect, it } from 'vitest';
import { demoEntries, faq } from './__fixtures__/demo-entries.ts';
import { contentHashOf, type KnowledgeSource, type StoredKnowledgeEntry } from './knowledge-repository.ts';
import { createKnowledgeRetriever, createStaticRetriever } from './retriever.ts';
import type { Lexicon } from './text/tokenizer.ts';
import type { KnowledgeEntry } from './types.ts';

/** An in-memory knowledge source that counts how often it is read. */
function fakeSource(initial: Record<string, KnowledgeEntry[]>) {
  const published = new Map(Object.entries(initial));
  const versions = new Map<string, number>();
  const reads = { stamps: 0, loads: 0 };
  const source: KnowledgeSource = {
    publishedStamp: async (workspaceId) => {
      reads.stamps++;
      return String(versions.get(workspaceId) ?? 0);
    },
    loadPublishedEntries: async (workspaceId) => {
      reads.loads++;
      return (published.get(workspaceId) ?? []).map(
        (entry): StoredKnowledgeEntry => ({ ...entry, knowledgeBaseId: 'kb', contentHash: contentHashOf(entry) }),
      );
    },
  };
  const publish = (workspaceId: string, entries: KnowledgeEntry[]) => {
    published.set(workspaceId, entries);
    versions.set(workspaceId, (versions.get(workspaceId) ?? 0) + 1);
  };
  return { source, publish, reads };
}

describe('createStaticRetriever', () => {
  it('answers from fixed entries with the default limit of 5', async () => {
    const retriever = createStaticRetriever(demoEntries());
    const hits = await retriever.retrieve('any', '会员积分优惠券外卖门店');
    expect(hits).toHaveLength(5);
    expect((await retriever.retrieve('any', '怎么开发票', { limit: 1 }))[0]?.entry.id).toBe('invoice');
  });
});

describe('createKnowledgeRetriever', () => {
  it('keeps one index per workspace', async () => {
    const { source } = fakeSource({ w1: [faq('a', '几点开门', '10点。')], w2: [faq('b', '怎么退款', '订单页申请。')] });
    const retriever = createKnowledgeRetriever({ source });
    expect((await retriever.retrieve('w1', '几点开门')).map((hit) => hit.entry.id)).toEqual(['a']);
    expect(await retriever.retrieve('w2', '几点开门')).toEqual([]);
    expect(await retriever.retrieve('empty', '几点开门')).toEqual([]);
  });

  it('checks the published stamp at most once per interval and applies changes', async () => {
    let clock = 0;
    const { source, publish, reads } = fakeSource({ w1: [faq('a', '几点开门', '10点。'), faq('b', '怎么退款', '订单页。')] });
    const retriever = createKnowledgeRetriever({ source, checkIntervalMs: 1000, now: () => clock });
    await retriever.retrieve('w1', '退款');
    await retriever.retrieve('w1', '退款');
    expect(reads).toEqual({ stamps: 1, loads: 1 });

    publish('w1', [faq('a', '营业时间', '9点。'), faq('c', '怎么开发票', '订单页开。')]);
    expect((await retriever.retrieve('w1', '退款'))[0]?.entry.id).toBe('b');
    clock = 1000;
    expect(await retriever.retrieve('w1', '退款')).toEqual([]);
    expect((await retriever.retrieve('w1', '营业时间'))[0]?.entry.answer).toBe('9点。');
    expect((await retriever.retrieve('w1', '开发票'))[0]?.entry.id).toBe('c');
    expect(reads).toEqual({ stamps: 2, loads: 2 });
  });

  it('uses the workspace lexicon for its index', async () => {
    const { source } = fakeSource({ w1: [faq('brand', '茶语时光是什么', '一家奶茶店。'), faq('x', '时光机', '没有。')] });
    const withLexicon: KnowledgeSource = { ...source, loadLexicon: async () => ({ synonyms: { 茶语: '茶语时光' }, words: ['茶语时光'] }) };
    const retriever = createKnowledgeRetriever({ source: withLexicon });
    expect((await retriever.retrieve('w1', '茶语'))[0]?.entry.id).toBe('brand');
  });

  it('rebuilds the index with the new lexicon when the stamp changes, answering from the old one meanwhile', async () => {
    const { source } = fakeSource({ w1: [faq('mango', '杨枝甘露是什么做的', '芒果、西柚和西米。'), faq('hours', '几点开门', '10点。')] });
    let lexicon: Lexicon = {};
    let revision = 0;
    let gate: { started: () => void; release: Promise<void> } | undefined;
    const changing: KnowledgeSource = {
      publishedStamp: async (workspaceId) => `${await source.publishedStamp(workspaceId)};${revision}`,
      loadPublishedEntries: source.loadPublishedEntries,
      loadLexicon: async () => {
        const current = lexicon;
        if (gate) {
          gate.started();
          await gate.release;
        }
        return current;
      },
    };
    const retriever = createKnowledgeRetriever({ source: changing, checkIntervalMs: 3_600_000 });
    expect(await retriever.retrieve('w1', '小黄杯')).toEqual([]);

    lexicon = { synonyms: { 小黄杯: '杨枝甘露' }, words: ['杨枝甘露'] };
    revision = 1;
    let release = () => {};
    const started = new Promise<void>((resolveStarted) => {
      gate = { started: resolveStarted, release: new Promise<void>((resolve) => (release = resolve)) };
    });
    const refreshing = retriever.refresh('w1');
    await started;
    // While the new index is being built, queries are answered from the complete old one.
    expect((await retriever.retrieve('w1', '几点开门'))[0]?.entry.id).toBe('hours');
    expect(await retriever.retrieve('w1', '小黄杯')).toEqual([]);
    gate = undefined;
    release();
    await refreshing;
    expect((await retriever.retrieve('w1', '小黄杯'))[0]?.entry.id).toBe('mango');
    expect((await retriever.retrieve('w1', '几点开门'))[0]?.entry.id).toBe('hours');
  });

  it('answers from the last index when a check fails and onRefreshError is set', async () => {
    let clock = 0;
    let failing = false;
    const { source } = fakeSource({ w1: [faq('a', '几点开门', '10点。')] });
    const flaky: KnowledgeSource = {
      publishedStamp: (workspaceId) => (failing ? Promise.reject(new Error('database down')) : source.publishedStamp(workspaceId)),
      loadPublishedEntries: source.loadPublishedEntries,
    };
    const errors: unknown[] = [];
    const retriever = createKnowledgeRetriever({ source: flaky, now: () => clock, onRefreshError: (error) => errors.push(error) });
    await retriever.retrieve('w1', '开门');
    failing = true;
    clock = 10_000;
    expect((await retriever.retrieve('w1', '开门'))[0]?.entry.id).toBe('a');
    expect(errors).toHaveLength(1);
  });
});
