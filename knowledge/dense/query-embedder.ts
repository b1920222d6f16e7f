/**
 * Query vectors with a small LRU of recent queries: customers repeat the same short messages
 * (你好, 人工, 怎么退款), and each repeat saves a model round trip.
 */
import type { EmbeddingModel } from 'ai';
import { embedWithin } from './embedding-call.ts';
import { normalize } from './vector-index.ts';

export interface QueryEmbedderOptions {
  model: EmbeddingModel;
  /** A query waits at most this long for its vector; default 1,500 ms. */
  timeoutMs?: number;
  /** Recent queries whose vectors are kept; default 256. */
  cacheSize?: number;
}

/** Embeds queries; throws `EmbeddingError` on failure or timeout (nothing is cached then). */
export interface QueryEmbedder {
  /** The query's unit-length vector. */
  embed(query: string): Promise<Float32Array>;
}

/** Create a query embedder. */
export function createQueryEmbedder(options: QueryEmbedderOptions): QueryEmbedder {
  const timeoutMs = options.timeoutMs ?? 1500;
  const cacheSize = options.cacheSize ?? 256;
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recent.
  const recent = new Map<string, Promise<Float32Array>>();
  return {
    embed(query) {
      const key = query.trim();
      const cached = recent.get(key);
      if (cached) {
        recent.delete(key);
        recent.set(key, cached);
        return cached;
      }
      const vector = embedWithin(options.model, [key], timeoutMs).then(([embedding]) => normalize(embedding as number[]));
      recent.set(key, vector);
      vector.catch(() => {
        if (recent.get(key) === vector) recent.delete(key);
      });
      if (recent.size > cacheSize) recent.delete(recent.keys().next().value as string);
      return vector;
    },
  };
}
