/** The text of an entry that its vector represents. */
import { bodyOf, questionsOf } from '../index/knowledge-index.ts';
import type { KnowledgeEntry } from '../types.ts';

/**
 * Characters of an entry sent to the model: ~512 tokens of Chinese, inside every common embedding
 * model's input limit (bge-m3 8k, text-embedding-v3 8k, OpenAI 8k; older bge 512).
 */
export const maxEmbeddingTextLength = 600;

/**
 * One vector per entry: its questions (the phrasings a customer paraphrases) first, then the answer
 * (or passage), cut to `maxEmbeddingTextLength`. Only fields covered by the entry's content hash
 * are used, so an unchanged hash always means an unchanged text.
 */
export function embeddingTextOf(entry: KnowledgeEntry): string {
  const text = [...questionsOf(entry), bodyOf(entry)].filter((part) => part.trim() !== '').join('\n');
  return text.slice(0, maxEmbeddingTextLength);
}
