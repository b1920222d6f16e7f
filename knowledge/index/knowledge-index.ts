/**
 * The in-memory index contract of one workspace's published knowledge. Implementations: our own
 * BM25 (`bm25-index.ts`, the one in use) and a MiniSearch one kept in the benchmark for comparison.
 */
import type { KnowledgeEntry, RetrievalHit } from '../types.ts';

export interface KnowledgeIndex {
  /** Add an entry, replacing the entry with the same id if there is one. */
  add(entry: KnowledgeEntry): void;
  /** Remove an entry by id; false when there was none. */
  remove(id: string): boolean;
  get(id: string): KnowledgeEntry | undefined;
  /** Number of entries. */
  readonly size: number;
  /** Best entries for a query, best first; entries that match no term are not returned. */
  search(query: string, limit?: number): RetrievalHit[];
}

/** Whether an entry is matched by its question(s) — an FAQ — rather than by its text alone. */
export function questionsOf(entry: KnowledgeEntry): string[] {
  if (entry.kind !== 'faq') return [];
  return [entry.question, ...entry.variants].filter((text) => text.trim() !== '');
}

/** The text matched as the entry's body: the answer, or for a chunk its heading path and passage. */
export function bodyOf(entry: KnowledgeEntry): string {
  return entry.kind === 'chunk' && entry.question ? `${entry.question}\n${entry.answer}` : entry.answer;
}
