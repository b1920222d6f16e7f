/**
 * `KnowledgeRetriever` implementations: a static one over a fixed list of entries (demo, tests,
 * evaluation), and the per-workspace one over the published knowledge in the database.
 */
import type { KnowledgeEntry, KnowledgeRetriever, RetrievalHit, RetrieveOptions } from './types.ts';
import { createDenseWorkspace, type DenseEntry, type DenseRetrievalOptions, type DenseWorkspace } from './dense/dense-workspace.ts';
import { createQueryEmbedder } from './dense/query-embedder.ts';
import { createBm25Index, type Bm25Options } from './index/bm25-index.ts';
import type { KnowledgeIndex } from './index/knowledge-index.ts';
import type { KnowledgeSource } from './knowledge-repository.ts';
import { createTextAnalyzer, type Lexicon, type TextAnalyzer } from './text/tokenizer.ts';

/** A retriever that answers every workspace from one index; `index` stays open for add/remove. */
export interface StaticRetriever extends KnowledgeRetriever {
  readonly index: KnowledgeIndex;
}

/** Retriever over fixed entries (or a ready index), ignoring the workspace id. */
export function createStaticRetriever(
  entries: Iterable<KnowledgeEntry>,
  options: Bm25Options & { index?: KnowledgeIndex } = {},
): StaticRetriever {
  const index = options.index ?? createBm25Index(options);
  for (const entry of entries) index.add(entry);
  return {
    index,
    retrieve: async (_workspaceId: string, query: string, retrieveOptions?: RetrieveOptions): Promise<RetrievalHit[]> =>
      index.search(query, retrieveOptions?.limit ?? 5),
  };
}

export interface KnowledgeRetrieverOptions {
  /** Published knowledge per workspace (the knowledge repository). */
  source: KnowledgeSource;
  /**
   * How long an index is trusted before the source's published stamp is checked again; default
   * 5 s. Publishing (or a lexicon change) in another process reaches this one within that time;
   * `refresh` is immediate.
   */
  checkIntervalMs?: number;
  /** BM25 settings (the analyzer comes from the source's `loadLexicon`). */
  index?: Omit<Bm25Options, 'analyzer'>;
  /** Clock, injectable for tests. */
  now?: () => number;
  /**
   * Called when a periodic check of the source fails; the query is then answered from the index
   * as it was (stale knowledge beats no answer). Default: rethrow.
   */
  onRefreshError?: (error: unknown, workspaceId: string) => void;
  /**
   * Dense retrieval fused with BM25 (`dense/`), when an embedding model is configured:
   * `{ model: provider.embeddingModel, store: createEmbeddingStore(db) }`. Without it, retrieval
   * is BM25 alone, exactly as before.
   */
  embedding?: DenseRetrievalOptions;
}

/** The database-backed retriever, with control over its per-workspace indexes. */
export interface WorkspaceKnowledgeRetriever extends KnowledgeRetriever {
  /**
   * Check the workspace's published knowledge now and apply changes: incrementally, or by a full
   * rebuild when its lexicon changed.
   */
  refresh(workspaceId: string): Promise<void>;
  /** Drop the workspace's index; the next query rebuilds it. */
  reset(workspaceId: string): void;
  /**
   * Settles when the workspace's background embedding has nothing more to do now (every entry has
   * a vector, or a failure was reported and a retry is scheduled). Immediate without `embedding`.
   */
  embedded(workspaceId: string): Promise<void>;
}

interface WorkspaceIndex {
  index: KnowledgeIndex;
  /** The analyzer of `index`. */
  analyzer: TextAnalyzer;
  /** The lexicon `index` analyzes with (JSON); undefined until the first sync. */
  lexicon: string | undefined;
  stamp: string | undefined;
  hashes: Map<string, string>;
  checkedAt: number;
  dense?: DenseWorkspace;
  /** The refresh in flight, shared by concurrent queries. */
  refreshing?: Promise<void>;
}

/** Per-workspace in-memory indexes over the published knowledge, kept in sync incrementally. */
export function createKnowledgeRetriever(options: KnowledgeRetrieverOptions): WorkspaceKnowledgeRetriever {
  const checkIntervalMs = options.checkIntervalMs ?? 5000;
  const now = options.now ?? Date.now;
  const workspaces = new Map<string, Promise<WorkspaceIndex>>();
  const embedding = options.embedding;
  const queries = embedding && createQueryEmbedder({ model: embedding.model, timeoutMs: embedding.queryTimeoutMs, cacheSize: embedding.queryCacheSize });
  const queryCooldown = { until: 0 };
  const reportEmbeddingError =
    embedding?.onError ??
    options.onRefreshError ??
    ((error: unknown, workspaceId: string) => process.emitWarning(`dense retrieval (workspace ${workspaceId}): ${String(error)}`));

  const createIndex = (lexicon: Lexicon): { index: KnowledgeIndex; analyzer: TextAnalyzer } => {
    const analyzer = createTextAnalyzer(lexicon);
    return { index: createBm25Index({ ...options.index, analyzer }), analyzer };
  };

  const create = async (workspaceId: string): Promise<WorkspaceIndex> => {
    // The first sync builds the index with the workspace's lexicon.
    const state: WorkspaceIndex = { ...createIndex({}), lexicon: undefined, stamp: undefined, hashes: new Map(), checkedAt: 0 };
    if (embedding && queries) {
      state.dense = createDenseWorkspace({
        workspaceId,
        options: embedding,
        queries,
        now,
        report: (error) => reportEmbeddingError(error, workspaceId),
        queryCooldown,
      });
    }
    await sync(workspaceId, state);
    // Vectors come in the background; the first answer waits for them only briefly.
    await state.dense?.idle(embedding?.firstQueryWaitMs ?? 500);
    return state;
  };

  /**
   * Apply the difference between the index and the published entries. A changed lexicon changes
   * every entry's terms: the index is rebuilt beside the old one, which answers queries until the
   * new one is complete. Dense vectors do not depend on the lexicon and stay.
   */
  const sync = async (workspaceId: string, state: WorkspaceIndex): Promise<void> => {
    const checkedAt = now();
    const stamp = await options.source.publishedStamp(workspaceId);
    if (stamp !== state.stamp) {
      const lexicon = (await options.source.loadLexicon?.(workspaceId)) ?? {};
      const lexiconKey = JSON.stringify(lexicon);
      const entries = await options.source.loadPublishedEntries(workspaceId);
      const published = new Map(entries.map((entry) => [entry.id, entry]));
      const removed = [...state.hashes.keys()].filter((id) => !published.has(id));
      const added: DenseEntry[] = [];
      for (const entry of entries) {
        if (state.hashes.get(entry.id) === entry.contentHash) continue;
        const { knowledgeBaseId: _base, contentHash, ...plain } = entry;
        added.push({ entry: plain, contentHash });
      }
      if (lexiconKey !== state.lexicon) {
        const { index, analyzer } = createIndex(lexicon);
        for (const { knowledgeBaseId: _base, contentHash: _hash, ...plain } of entries) index.add(plain);
        state.index = index;
        state.analyzer = analyzer;
        state.lexicon = lexiconKey;
      } else {
        for (const id of removed) state.index.remove(id);
        for (const { entry } of added) state.index.add(entry);
      }
      for (const id of removed) state.hashes.delete(id);
      for (const { entry, contentHash } of added) state.hashes.set(entry.id, contentHash);
      state.stamp = stamp;
      state.dense?.apply(removed, added);
    }
    state.checkedAt = checkedAt;
  };

  const refreshOnce = (workspaceId: string, state: WorkspaceIndex): Promise<void> => {
    state.refreshing ??= sync(workspaceId, state).finally(() => {
      state.refreshing = undefined;
    });
    return state.refreshing;
  };

  const stateOf = (workspaceId: string): Promise<WorkspaceIndex> => {
    let state = workspaces.get(workspaceId);
    if (!state) {
      state = create(workspaceId);
      workspaces.set(workspaceId, state);
      // A failed build is not cached: the next query tries again.
      state.catch(() => workspaces.delete(workspaceId));
    }
    return state;
  };

  return {
    async retrieve(workspaceId, query, retrieveOptions) {
      const state = await stateOf(workspaceId);
      if (now() - state.checkedAt >= checkIntervalMs) {
        try {
          await refreshOnce(workspaceId, state);
        } catch (error) {
          if (!options.onRefreshError) throw error;
          options.onRefreshError(error, workspaceId);
          state.checkedAt = now();
        }
      }
      const limit = retrieveOptions?.limit ?? 5;
      if (!state.dense) return state.index.search(query, limit);
      state.dense.start();
      const lexical = state.index.search(query, Math.max(limit, embedding?.candidates ?? 20));
      return state.dense.rank(query, lexical, limit, (id) => state.index.get(id));
    },
    async refresh(workspaceId) {
      await refreshOnce(workspaceId, await stateOf(workspaceId));
    },
    async analyzer(workspaceId) {
      return (await stateOf(workspaceId)).analyzer;
    },
    reset(workspaceId) {
      workspaces.delete(workspaceId);
    },
    async embedded(workspaceId) {
      const state = await stateOf(workspaceId);
      await state.dense?.idle();
    },
  };
}
