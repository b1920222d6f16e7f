/**
 * The content hash of a knowledge entry: it changes exactly when what the index sees changes, so
 * the retriever, re-imports and a future embedding store skip entries whose hash is unchanged.
 */
import { createHash } from 'node:crypto';
import type { KnowledgeEntry } from './types.ts';

/** Stable hash of what the index sees of an entry. */
export function contentHashOf(entry: Pick<KnowledgeEntry, 'kind' | 'question' | 'variants' | 'answer' | 'category'>): string {
  const content = [entry.kind, entry.question, entry.variants, entry.answer, entry.category ?? null];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}
