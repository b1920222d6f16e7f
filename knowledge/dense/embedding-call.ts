/**
 * Calls to the embedding model through the AI SDK, bounded in time and reported as `KefuError`s:
 * a slow or failing endpoint must cost a query its dense half, never the answer.
 */
import { embedMany, type EmbeddingModel } from 'ai';
import { KefuError } from '../../bot/errors.ts';

/** The embedding model failed, answered something unusable, or did not answer in time. */
export class EmbeddingError extends KefuError {
  constructor(code: 'embedding_failed' | 'embedding_timeout', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * The id stored beside each vector. Vectors of different models are not comparable, so a vector
 * is only reused by the model that produced it.
 */
export function modelKeyOf(model: EmbeddingModel): string {
  return typeof model === 'string' ? model : `${model.provider}:${model.modelId}`;
}

/**
 * Embed `values` (one model call per `embedMany` split) within `timeoutMs`; no retries here —
 * the caller decides (a query falls back to BM25, background indexing tries again later).
 */
export async function embedWithin(model: EmbeddingModel, values: string[], timeoutMs: number): Promise<number[][]> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new EmbeddingError('embedding_timeout', `embedding model did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const { embeddings } = await Promise.race([
      embedMany({ model, values, maxRetries: 0, abortSignal: controller.signal }),
      timeout,
    ]);
    if (embeddings.length !== values.length) {
      throw new EmbeddingError('embedding_failed', `embedding model returned ${embeddings.length} vectors for ${values.length} values`);
    }
    return embeddings;
  } catch (error) {
    if (error instanceof EmbeddingError) throw error;
    throw new EmbeddingError('embedding_failed', `embedding model failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
