/**
 * Retrieval evaluation against a golden set: hit@1, hit@5, MRR@10 and query latency, the figures
 * `kefu eval retrieval` prints (DESIGN.md, "Public contract").
 */
import type { KnowledgeEntry, KnowledgeRetriever } from '../types.ts';
import { createStaticRetriever } from '../retriever.ts';

/** One golden query: the text a customer sends and the entry ids that answer it. */
export interface RetrievalQuery {
  query: string;
  goldIds: string[];
}

/** The printed result; key names are part of the public contract. */
export interface RetrievalEvalResult {
  entries: number;
  queries: number;
  'hit@1': number;
  'hit@5': number;
  'mrr@10': number;
  p50_ms: number;
  p95_ms: number;
}

export interface EvaluateOptions {
  /** Retriever to evaluate; default a static BM25 retriever over `entries`. */
  retriever?: KnowledgeRetriever;
  /** Called every `progressEvery` queries (default 500) with the number done. */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
}

/** Rank quality of ranked id lists against gold ids: the arithmetic behind the printed figures. */
export function scoreRankings(
  rankings: ReadonlyArray<readonly string[]>,
  gold: ReadonlyArray<readonly string[]>,
): Pick<RetrievalEvalResult, 'hit@1' | 'hit@5' | 'mrr@10'> {
  let hit1 = 0;
  let hit5 = 0;
  let reciprocalRanks = 0;
  rankings.forEach((ranking, index) => {
    const goldIds = new Set(gold[index]);
    const rank = ranking.slice(0, 10).findIndex((id) => goldIds.has(id));
    if (rank === 0) hit1++;
    if (rank >= 0 && rank < 5) hit5++;
    if (rank >= 0) reciprocalRanks += 1 / (rank + 1);
  });
  const count = rankings.length || 1;
  return { 'hit@1': round(hit1 / count), 'hit@5': round(hit5 / count), 'mrr@10': round(reciprocalRanks / count) };
}

/** Nearest-rank percentile (p in 0..100) of a list of numbers; 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Index `entries`, run every query, and measure rank quality and per-query latency. */
export async function evaluateRetrieval(
  entries: readonly KnowledgeEntry[],
  queries: readonly RetrievalQuery[],
  options: EvaluateOptions = {},
): Promise<RetrievalEvalResult> {
  const retriever = options.retriever ?? createStaticRetriever(entries);
  const progressEvery = options.progressEvery ?? 500;
  const rankings: string[][] = [];
  const latencies: number[] = [];
  for (const [index, { query }] of queries.entries()) {
    const started = performance.now();
    const hits = await retriever.retrieve('eval', query, { limit: 10 });
    latencies.push(performance.now() - started);
    rankings.push(hits.map((hit) => hit.entry.id));
    if ((index + 1) % progressEvery === 0) options.onProgress?.(index + 1, queries.length);
  }
  return {
    entries: entries.length,
    queries: queries.length,
    ...scoreRankings(
      rankings,
      queries.map((query) => query.goldIds),
    ),
    p50_ms: round(percentile(latencies, 50), 3),
    p95_ms: round(percentile(latencies, 95), 3),
  };
}

function round(value: number, digits = 4): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
