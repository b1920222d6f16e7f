/**
 * A deterministic embedding model for tests: a bag of concepts. Each concept is a set of surface
 * forms that share no characters (退款 / 还钱 / refund), so a paraphrase that BM25 cannot match
 * still lands on the same vector. One dimension per concept, plus one for "no concept" so that no
 * text gets a zero vector. Built on the AI SDK's `MockEmbeddingModelV3`, which records its calls.
 */
import { MockEmbeddingModelV3 } from 'ai/test';

export const concepts: ReadonlyArray<readonly string[]> = [
  ['退款', '还钱', '还给我', '钱还', 'refund'],
  ['营业', '开门', '关门', '几点', '上班'],
  ['发票', '报销凭证', '收据'],
  ['外卖', '配送', '送到家', '送餐'],
  ['会员', '积分', 'vip'],
];

/** The concept vector of a text (counts of each concept's forms). */
export function conceptVector(text: string): number[] {
  const lower = text.toLowerCase();
  const vector = concepts.map((forms) => forms.reduce((count, form) => count + lower.split(form).length - 1, 0));
  vector.push(vector.every((value) => value === 0) ? 1 : 0);
  return vector;
}

/** A model answering with concept vectors, or with `failure` when given (called with the values). */
export function conceptEmbeddingModel(options: { modelId?: string; failure?: (values: string[]) => Error | 'hang' | undefined } = {}) {
  return new MockEmbeddingModelV3({
    modelId: options.modelId ?? 'concepts-v1',
    maxEmbeddingsPerCall: 100,
    doEmbed: async ({ values }) => {
      const failure = options.failure?.(values);
      if (failure === 'hang') return new Promise(() => {});
      if (failure) throw failure;
      return { embeddings: values.map(conceptVector), warnings: [] };
    },
  });
}

/** How many values the model was asked to embed, over all its calls. */
export function embeddedValues(model: MockEmbeddingModelV3): number {
  return model.doEmbedCalls.reduce((count, call) => count + call.values.length, 0);
}
