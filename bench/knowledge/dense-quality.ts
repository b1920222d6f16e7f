/**
 * Retrieval quality with a real embedding model (only with `--embedding-url`): on each FAQ task,
 * hit@1 / hit@5 / MRR@10 of BM25, the vectors alone, reciprocal rank fusion and convex
 * combinations — the evidence for choosing the fusion rule (`knowledge/dense/fusion.ts`).
 * Entries are embedded with the text the retriever would send (`embeddingTextOf`).
 */
import { embedMany, type EmbeddingModel } from 'ai';
import { embeddingTextOf } from '../../knowledge/dense/embedding-text.ts';
import { fuseRankings, type Fusion } from '../../knowledge/dense/fusion.ts';
import { createVectorIndex } from '../../knowledge/dense/vector-index.ts';
import { scoreRankings, type RetrievalEvalResult } from '../../knowledge/eval/retrieval-eval.ts';
import { createBm25Index } from '../../knowledge/index/bm25-index.ts';
import type { RetrievalTask } from './retrieval-datasets.ts';

type Figures = Pick<RetrievalEvalResult, 'hit@1' | 'hit@5' | 'mrr@10'>;

/** Candidates taken from each list before fusion (the retriever's default). */
const candidates = 20;

export const fusionVariants: Record<string, Fusion> = {
  'rrf-60': { method: 'rrf', k: 60 },
  'rrf-10': { method: 'rrf', k: 10 },
  'convex-0.3': { method: 'convex', lexicalWeight: 0.3 },
  'convex-0.5': { method: 'convex', lexicalWeight: 0.5 },
  'convex-0.7': { method: 'convex', lexicalWeight: 0.7 },
};

async function embedAll(model: EmbeddingModel, values: string[], batchSize: number, log: (line: string) => void): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let start = 0; start < values.length; start += batchSize) {
    const { embeddings } = await embedMany({ model, values: values.slice(start, start + batchSize), maxParallelCalls: 2 });
    vectors.push(...embeddings);
    if ((start / batchSize) % 20 === 0) log(`  embedded ${Math.min(values.length, start + batchSize)} / ${values.length}`);
  }
  return vectors;
}

/** Figures of BM25, dense and each fusion variant on one task. */
export async function measureDenseQuality(
  task: RetrievalTask,
  model: EmbeddingModel,
  options: { batchSize?: number; log?: (line: string) => void } = {},
): Promise<Record<string, Figures>> {
  const log = options.log ?? ((line: string) => console.error(line));
  const batchSize = options.batchSize ?? 32;
  log(`${task.name}: embedding ${task.entries.length} entries and ${task.queries.length} queries`);
  const entryVectors = await embedAll(model, task.entries.map(embeddingTextOf), batchSize, log);
  const queryVectors = await embedAll(model, task.queries.map((query) => query.query), batchSize, log);

  const bm25 = createBm25Index();
  const vectors = createVectorIndex();
  task.entries.forEach((entry, position) => {
    bm25.add(entry);
    vectors.add(entry.id, entryVectors[position] as number[]);
  });
  const gold = task.queries.map((query) => query.goldIds);
  const lexicalLists = task.queries.map((query) => bm25.search(query.query, candidates).map((hit) => ({ id: hit.entry.id, score: hit.score })));
  const denseLists = queryVectors.map((vector) => vectors.search(vector, candidates));

  const figures: Record<string, Figures> = {
    bm25: scoreRankings(lexicalLists.map((list) => list.map((hit) => hit.id)), gold),
    dense: scoreRankings(denseLists.map((list) => list.map((hit) => hit.id)), gold),
  };
  for (const [name, fusion] of Object.entries(fusionVariants)) {
    const rankings = lexicalLists.map((lexical, position) => fuseRankings(lexical, denseLists[position] ?? [], fusion).map((candidate) => candidate.id));
    figures[name] = scoreRankings(rankings, gold);
  }
  log(`${task.name}: ${JSON.stringify(figures)}`);
  return figures;
}
