/**
 * Cost of fused retrieval without the embedding call's network time: a 10k-entry KB whose vectors
 * come from a model answering random unit vectors at once, queried through the real per-workspace
 * retriever with and without `embedding`. Each query runs on both retrievers back to back, so the
 * two latencies share the machine's load (the benchmark machine is shared and noisy).
 */
import { MockEmbeddingModelV3 } from 'ai/test';
import type { EmbeddingStore } from '../../knowledge/dense/embedding-store.ts';
import { createVectorIndex } from '../../knowledge/dense/vector-index.ts';
import { percentile } from '../../knowledge/eval/retrieval-eval.ts';
import { contentHashOf, type KnowledgeSource } from '../../knowledge/knowledge-repository.ts';
import { createKnowledgeRetriever, type WorkspaceKnowledgeRetriever } from '../../knowledge/retriever.ts';
import type { RetrievalTask } from './retrieval-datasets.ts';

export interface DenseLatencyResult {
  entries: number;
  dimensions: number;
  queries: number;
  bm25: Timings;
  fused: Timings;
  /** fused ÷ BM25, medians of the same run. */
  p50_ratio: number;
  p95_ratio: number;
  /** Brute-force top-20 over the vectors alone. */
  vector_search: Timings;
  /** Bytes of the vectors in use (entries × dimensions × 4) and of the matrix's capacity, in MB. */
  vectors_mb: number;
  vectors_capacity_mb: number;
  /** Brute-force top-20 over 50k random vectors (the index alone). */
  vector_search_50k: Timings;
  vectors_50k_mb: number;
}

export interface Timings {
  p50_ms: number;
  p95_ms: number;
  cpu_p50_ms: number;
  cpu_p95_ms: number;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A seeded generator of uniform numbers in [-1, 1) (xorshift32). */
export function randomSource(seed: number): () => number {
  let state = seed | 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 2 ** 32) * 2 - 1;
  };
}

/** The vectors of one workspace, in memory (the database store's contract without a database). */
function memoryStore(): EmbeddingStore {
  const vectors = new Map<string, number[]>();
  return {
    reuse: async (workspaceId, model, hashes) => {
      const found = new Map<string, number[]>();
      for (const hash of hashes) {
        const vector = vectors.get(`${workspaceId}|${model}|${hash}`);
        if (vector) found.set(hash, vector);
      }
      return found;
    },
    save: async (workspaceId, model, saved) => {
      for (const { contentHash, vector } of saved) vectors.set(`${workspaceId}|${model}|${contentHash}`, vector);
    },
  };
}

function timings(latencies: number[], cpuTimes: number[]): Timings {
  return {
    p50_ms: round(percentile(latencies, 50)),
    p95_ms: round(percentile(latencies, 95)),
    cpu_p50_ms: round(percentile(cpuTimes, 50)),
    cpu_p95_ms: round(percentile(cpuTimes, 95)),
  };
}

async function timed(run: () => Promise<unknown> | unknown, latencies: number[], cpuTimes: number[]) {
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  await run();
  latencies.push(performance.now() - started);
  const cpu = process.cpuUsage(cpuStarted);
  cpuTimes.push((cpu.user + cpu.system) / 1000);
}

/** Measure BM25-only and fused query latency on `task`, vectors of `dimensions`. */
export async function measureDenseLatency(task: RetrievalTask, dimensions = 1024, log = (line: string) => console.error(line)): Promise<DenseLatencyResult> {
  const next = randomSource(42);
  const randomVector = () => Array.from({ length: dimensions }, next);
  const model = new MockEmbeddingModelV3({
    provider: 'bench',
    modelId: `random-${dimensions}`,
    maxEmbeddingsPerCall: 256,
    supportsParallelCalls: true,
    doEmbed: async ({ values }) => ({ embeddings: values.map(randomVector), warnings: [] }),
  });
  const source: KnowledgeSource = {
    publishedStamp: async () => '1',
    loadPublishedEntries: async () => task.entries.map((entry) => ({ ...entry, knowledgeBaseId: 'kb', contentHash: contentHashOf(entry) })),
  };
  const bm25: WorkspaceKnowledgeRetriever = createKnowledgeRetriever({ source, checkIntervalMs: 3_600_000 });
  const fused = createKnowledgeRetriever({
    source,
    checkIntervalMs: 3_600_000,
    embedding: { model, store: memoryStore(), batchSize: 256, queryCacheSize: 0 },
  });
  log(`dense: indexing ${task.entries.length} entries twice (BM25; BM25 + ${dimensions}-dim vectors)`);
  await bm25.retrieve('bench', '预热');
  await fused.embedded('bench');
  await fused.retrieve('bench', '预热');
  model.doEmbedCalls.length = 0;

  const queries = task.queries.map((query) => query.query);
  for (const query of queries.slice(0, 200)) {
    await bm25.retrieve('bench', query, { limit: 5 });
    await fused.retrieve('bench', query, { limit: 5 });
  }
  const lexical = { latencies: [] as number[], cpu: [] as number[] };
  const dense = { latencies: [] as number[], cpu: [] as number[] };
  for (const query of queries) {
    await timed(() => bm25.retrieve('bench', query, { limit: 5 }), lexical.latencies, lexical.cpu);
    await timed(() => fused.retrieve('bench', query, { limit: 5 }), dense.latencies, dense.cpu);
  }
  log(`dense: ${queries.length} queries timed on both retrievers`);

  // The index alone, at 10k and 50k rows.
  const searchTimings = async (rows: number) => {
    const index = createVectorIndex();
    for (let row = 0; row < rows; row++) index.add(`e${row}`, randomVector());
    const queryVectors = Array.from({ length: 300 }, randomVector);
    for (const vector of queryVectors.slice(0, 30)) index.search(vector, 20);
    const latencies: number[] = [];
    const cpuTimes: number[] = [];
    for (const vector of queryVectors) await timed(() => index.search(vector, 20), latencies, cpuTimes);
    return { timings: timings(latencies, cpuTimes), index };
  };
  const small = await searchTimings(task.entries.length);
  const large = await searchTimings(50_000);
  log('dense: vector search timed at 10k and 50k rows');

  const bm25Timings = timings(lexical.latencies, lexical.cpu);
  const fusedTimings = timings(dense.latencies, dense.cpu);
  const megabytes = (bytes: number) => round(bytes / 2 ** 20, 1);
  return {
    entries: task.entries.length,
    dimensions,
    queries: queries.length,
    bm25: bm25Timings,
    fused: fusedTimings,
    p50_ratio: round(fusedTimings.p50_ms / bm25Timings.p50_ms, 2),
    p95_ratio: round(fusedTimings.p95_ms / bm25Timings.p95_ms, 2),
    vector_search: small.timings,
    vectors_mb: megabytes(small.index.size * dimensions * 4),
    vectors_capacity_mb: megabytes(small.index.bytes),
    vector_search_50k: large.timings,
    vectors_50k_mb: megabytes(large.index.size * dimensions * 4),
  };
}
