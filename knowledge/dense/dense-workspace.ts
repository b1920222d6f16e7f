/**
 * The dense half of one workspace's retrieval: its vector index, kept in step with the BM25 index
 * by the same diff (entries removed / added by id and content hash), the background job that gives
 * every entry a vector (stored vectors first, then the model in batches), and the fused ranking.
 *
 * Nothing here blocks or breaks an answer: an entry without a vector yet is found by BM25 alone,
 * and a failing model costs a query its dense half (reported through `onError`).
 */
import type { EmbeddingModel } from 'ai';
import type { KnowledgeEntry, RetrievalHit } from '../types.ts';
import { embedWithin, modelKeyOf } from './embedding-call.ts';
import type { EmbeddingStore } from './embedding-store.ts';
import { embeddingTextOf } from './embedding-text.ts';
import { defaultFusion, fuseRankings, type Fusion } from './fusion.ts';
import type { QueryEmbedder } from './query-embedder.ts';
import { createVectorIndex, type VectorIndex } from './vector-index.ts';

/**
 * Dense retrieval settings of `createKnowledgeRetriever`. The composition root passes the
 * configured model and a store over the same database as the knowledge repository:
 * `{ model: provider.embeddingModel, store: createEmbeddingStore(db) }`.
 */
export interface DenseRetrievalOptions {
  /** An AI SDK embedding model (e.g. `createOpenAICompatible(…).embeddingModel(EMBEDDING_MODEL)`). */
  model: EmbeddingModel;
  /** Where vectors persist (`createEmbeddingStore(db)`). */
  store: EmbeddingStore;
  /** Id stored with each vector; default `provider:modelId`. Change it to force re-embedding. */
  modelKey?: string;
  /** Entries per `embedMany` call (and per write-back); default 32. */
  batchSize?: number;
  /** Time allowed for one batch of entries; default 60 s. */
  batchTimeoutMs?: number;
  /** Time a query waits for its vector before answering from BM25 alone; default 1,500 ms. */
  queryTimeoutMs?: number;
  /** After a failed query embedding, queries skip the model for this long; default 10 s (0: never skip). */
  queryCooldownMs?: number;
  /** Recent query vectors kept; default 256. */
  queryCacheSize?: number;
  /** Candidates taken from each of BM25 and the vectors before fusion; default 20. */
  candidates?: number;
  /** Default: reciprocal rank fusion, k = 60 (see `fusion.ts`). */
  fusion?: Fusion;
  /**
   * How long the first query of a workspace waits for its vectors to be loaded or computed;
   * default 500 ms. Embedding goes on in the background after that.
   */
  firstQueryWaitMs?: number;
  /** After a failed background batch, wait this long before trying again; default 30 s. */
  retryAfterMs?: number;
  /** Failures of the model or the store. Default: the retriever's `onRefreshError`, else a warning. */
  onError?: (error: unknown, workspaceId: string) => void;
}

/** An entry as the dense side sees it: its id, content hash and entry. */
export interface DenseEntry {
  entry: KnowledgeEntry;
  contentHash: string;
}

/** The dense state of one workspace. */
export interface DenseWorkspace {
  readonly vectors: VectorIndex;
  /** Entries waiting for a vector. */
  readonly pending: number;
  /** Apply the BM25 index's diff: `removed` ids, and `added` entries (new or changed). */
  apply(removed: readonly string[], added: readonly DenseEntry[]): void;
  /** Start the background job when entries wait for vectors (and no retry delay is running). */
  start(): void;
  /** Settles when the running job ends, or after `waitMs` (whichever is first); never rejects. */
  idle(waitMs?: number): Promise<void>;
  /** BM25 candidates (best first) fused with the dense candidates, `limit` hits best first. */
  rank(query: string, lexical: readonly RetrievalHit[], limit: number, entryOf: (id: string) => KnowledgeEntry | undefined): Promise<RetrievalHit[]>;
}

interface Shared {
  workspaceId: string;
  options: DenseRetrievalOptions;
  queries: QueryEmbedder;
  now: () => number;
  report: (error: unknown) => void;
  /** Shared by the workspaces of one retriever: one failing endpoint is skipped by all. */
  queryCooldown: { until: number };
}

interface Waiting {
  contentHash: string;
  text: string;
  /** Already looked up in the store (and not found there). */
  lookedUp: boolean;
}

/** Create the dense state of one workspace (empty; `apply` fills it). */
export function createDenseWorkspace(shared: Shared): DenseWorkspace {
  const { options, workspaceId, now, report } = shared;
  const modelKey = options.modelKey ?? modelKeyOf(options.model);
  const batchSize = options.batchSize ?? 32;
  const vectors = createVectorIndex();
  /** Content hash of every current entry: a vector is only taken for the content it was made from. */
  const hashes = new Map<string, string>();
  const pending = new Map<string, Waiting>();
  let running: Promise<void> | undefined;
  let retryAt = 0;

  /** Give the vector to every current entry with this hash that still waits for one. */
  const deliver = (contentHash: string, vector: number[], ids: readonly string[]) => {
    for (const id of ids) {
      if (hashes.get(id) !== contentHash || !pending.has(id)) continue;
      vectors.add(id, vector);
      pending.delete(id);
    }
  };

  const idsByHash = (waiting: Iterable<[string, Waiting]>): Map<string, string[]> => {
    const groups = new Map<string, string[]>();
    for (const [id, { contentHash }] of waiting) {
      const group = groups.get(contentHash);
      if (group) group.push(id);
      else groups.set(contentHash, [id]);
    }
    return groups;
  };

  const job = async (): Promise<void> => {
    while (pending.size > 0) {
      const unknown = [...pending].filter(([, waiting]) => !waiting.lookedUp);
      if (unknown.length > 0) {
        const groups = idsByHash(unknown);
        const stored = await options.store.reuse(workspaceId, modelKey, [...groups.keys()]);
        for (const [, waiting] of unknown) waiting.lookedUp = true;
        for (const [contentHash, vector] of stored) deliver(contentHash, vector, groups.get(contentHash) ?? []);
        continue;
      }
      const groups = [...idsByHash(pending)].slice(0, batchSize);
      const texts = groups.map(([, ids]) => (pending.get(ids[0] as string) as Waiting).text);
      const embeddings = await embedWithin(options.model, texts, options.batchTimeoutMs ?? 60_000);
      groups.forEach(([contentHash, ids], position) => deliver(contentHash, embeddings[position] as number[], ids));
      await options.store.save(
        workspaceId,
        modelKey,
        groups.map(([contentHash], position) => ({ contentHash, vector: embeddings[position] as number[] })),
      );
    }
  };

  const workspace: DenseWorkspace = {
    vectors,
    get pending() {
      return pending.size;
    },
    apply(removed, added) {
      for (const id of removed) {
        vectors.remove(id);
        pending.delete(id);
        hashes.delete(id);
      }
      for (const { entry, contentHash } of added) {
        vectors.remove(entry.id);
        hashes.set(entry.id, contentHash);
        pending.set(entry.id, { contentHash, text: embeddingTextOf(entry), lookedUp: false });
      }
      retryAt = 0;
      workspace.start();
    },
    start() {
      if (running || pending.size === 0 || now() < retryAt) return;
      running = job()
        .catch((error: unknown) => {
          retryAt = now() + (options.retryAfterMs ?? 30_000);
          report(error);
        })
        .finally(() => {
          running = undefined;
        });
    },
    async idle(waitMs) {
      if (!running) return;
      if (waitMs === undefined) {
        await running;
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
    },
    async rank(query, lexical, limit, entryOf) {
      const lexicalTop = () => lexical.slice(0, limit);
      if (vectors.size === 0 || now() < shared.queryCooldown.until) return lexicalTop();
      let queryVector: Float32Array;
      let dense;
      try {
        queryVector = await shared.queries.embed(query);
        dense = vectors.search(queryVector, options.candidates ?? 20);
      } catch (error) {
        shared.queryCooldown.until = now() + (options.queryCooldownMs ?? 10_000);
        report(error);
        return lexicalTop();
      }
      const lexicalById = new Map(lexical.map((hit) => [hit.entry.id, hit]));
      const hits: RetrievalHit[] = [];
      for (const { id } of fuseRankings(
        lexical.map((hit) => ({ id: hit.entry.id, score: hit.score })),
        dense,
        options.fusion ?? defaultFusion,
      )) {
        const lexicalHit = lexicalById.get(id);
        const entry = lexicalHit?.entry ?? entryOf(id);
        if (!entry) continue;
        const similarity = vectors.similarity(id, queryVector);
        hits.push({ entry, score: lexicalHit?.score ?? 0, ...(similarity === undefined ? {} : { similarity }) });
        if (hits.length === limit) break;
      }
      return hits;
    },
  };
  return workspace;
}
