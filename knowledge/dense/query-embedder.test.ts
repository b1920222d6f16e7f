import { describe, expect, it } from 'vitest';
import { conceptEmbeddingModel } from './__fixtures__/concept-embedding.ts';
import { createQueryEmbedder } from './query-embedder.ts';

describe('createQueryEmbedder', () => {
  it('keeps the most recent query vectors and evicts the least recently used', async () => {
    const model = conceptEmbeddingModel();
    const embedder = createQueryEmbedder({ model, cacheSize: 2 });
    const vector = await embedder.embed('怎么退款');
    expect(Math.hypot(...vector)).toBeCloseTo(1, 6);
    await embedder.embed(' 怎么退款 ');
    await embedder.embed('几点开门');
    await embedder.embed('怎么退款'); // used again: 几点开门 is now the least recent
    await embedder.embed('开发票');
    await embedder.embed('怎么退款');
    expect(model.doEmbedCalls).toHaveLength(3);
    await embedder.embed('几点开门');
    expect(model.doEmbedCalls).toHaveLength(4);
  });

  it('does not cache a failure', async () => {
    let failing = true;
    const model = conceptEmbeddingModel({ failure: () => (failing ? new Error('down') : undefined) });
    const embedder = createQueryEmbedder({ model });
    await expect(embedder.embed('退款')).rejects.toMatchObject({ code: 'embedding_failed' });
    failing = false;
    await expect(embedder.embed('退款')).resolves.toHaveLength(6);
  });
});
