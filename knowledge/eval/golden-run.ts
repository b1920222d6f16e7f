/**
 * A golden-set run over one knowledge-base version: the figures of `evaluateRetrieval` (hit@1,
 * hit@5, MRR@10) plus, for every query whose first hit is not an expected entry, what was
 * retrieved instead. The version's entries are indexed by a static retriever with the production
 * analyzer and index, so the figures are those customers would get from that version alone.
 */
import type { GoldenMiss } from '../../bot/storage/schema.ts';
import { createStaticRetriever } from '../retriever.ts';
import type { KnowledgeEntry, KnowledgeRetriever, RetrievalHit } from '../types.ts';
import { evaluateRetrieval, type RetrievalQuery } from './retrieval-eval.ts';

export type { GoldenMiss };

/** The figures of a run and its misses. */
export interface GoldenRunResult {
  entries: number;
  queries: number;
  'hit@1': number;
  'hit@5': number;
  'mrr@10': number;
  misses: GoldenMiss[];
  /** Whether each query's first hit is an expected entry, in query order (not stored). */
  hitAt1ByQuery: boolean[];
}

/** How many retrieved entries a miss shows. */
export const retrievedPerMiss = 3;

/** Evaluate `queries` against `entries`; `retriever` defaults to a static one over `entries`. */
export async function runGoldenQueries(
  entries: readonly KnowledgeEntry[],
  queries: readonly RetrievalQuery[],
  options: { retriever?: KnowledgeRetriever } = {},
): Promise<GoldenRunResult> {
  const inner = options.retriever ?? createStaticRetriever(entries);
  // Keep each query's hits as evaluateRetrieval asks for them (in order), to explain the misses.
  const hitsPerQuery: RetrievalHit[][] = [];
  const recording: KnowledgeRetriever = {
    retrieve: async (workspaceId, query, retrieveOptions) => {
      const hits = await inner.retrieve(workspaceId, query, retrieveOptions);
      hitsPerQuery.push(hits);
      return hits;
    },
  };
  const figures = await evaluateRetrieval(entries, queries, { retriever: recording });
  const misses: GoldenMiss[] = [];
  const hitAt1ByQuery: boolean[] = [];
  queries.forEach((query, index) => {
    const hits = hitsPerQuery[index] ?? [];
    const expected = new Set(query.goldIds);
    const hit = hits[0] !== undefined && expected.has(hits[0].entry.id);
    hitAt1ByQuery.push(hit);
    if (hit) return;
    const rank = hits.slice(0, 10).findIndex((hit) => expected.has(hit.entry.id));
    misses.push({
      query: query.query,
      expectedKeys: query.goldIds,
      expectedRank: rank < 0 ? null : rank + 1,
      retrieved: hits.slice(0, retrievedPerMiss).map((hit) => ({
        key: hit.entry.id,
        question: hit.entry.question,
        score: Math.round(hit.score * 1000) / 1000,
      })),
    });
  });
  return {
    entries: figures.entries,
    queries: figures.queries,
    'hit@1': figures['hit@1'],
    'hit@5': figures['hit@5'],
    'mrr@10': figures['mrr@10'],
    misses,
    hitAt1ByQuery,
  };
}
