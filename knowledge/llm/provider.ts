/**
 * The LLM provider built from `config.llm` (`LLM_BASE_URL`, `LLM_API_KEY`, `LLM_MODEL`,
 * `EMBEDDING_MODEL`): any OpenAI-compatible endpoint through `@ai-sdk/openai-compatible` —
 * DeepSeek, Qwen (DashScope compatible mode), Doubao (Volcengine Ark), Zhipu, Moonshot, Ollama,
 * vLLM. The rest of Kefu only sees the AI SDK's `LanguageModel` / `EmbeddingModel`, so tests plug
 * in `ai/test`'s mock models instead.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModel, LanguageModel } from 'ai';
import type { Logger } from 'pino';

/** The `llm` section of the configuration. */
export interface LlmSettings {
  /** The endpoint's base URL, up to (not including) `/chat/completions`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; omitted for endpoints without keys (Ollama). */
  apiKey?: string;
  /** Chat model id (`deepseek-chat`, `qwen-plus`, an Ark endpoint id `ep-…`, `glm-4-flash`, `qwen2.5:7b`). */
  model: string;
  /** Embedding model id, for dense retrieval; none = lexical retrieval only. */
  embeddingModel?: string;
}

/** The models Kefu uses. */
export interface LlmProvider {
  languageModel: LanguageModel;
  /** Present when `embeddingModel` is configured. */
  embeddingModel?: EmbeddingModel;
}

export interface LlmProviderOptions {
  /** Replaces the global `fetch` (tests, proxies). */
  fetch?: typeof fetch;
}

/** Build the chat (and embedding) model of an OpenAI-compatible endpoint. */
export function createLlmProvider(settings: LlmSettings, options: LlmProviderOptions = {}): LlmProvider {
  const provider = createOpenAICompatible({
    name: 'llm',
    baseURL: settings.baseUrl,
    apiKey: settings.apiKey,
    fetch: options.fetch,
  });
  return {
    languageModel: provider.chatModel(settings.model),
    ...(settings.embeddingModel ? { embeddingModel: provider.embeddingModel(settings.embeddingModel) } : {}),
  };
}

/**
 * Send the AI SDK's warnings to Kefu's log (debug level) instead of the console: every
 * structured-output call to an endpoint without JSON-schema support warns that the schema is not
 * sent (Kefu spells the JSON out in the prompt instead), which would be one console line per
 * customer message. The AI SDK only offers a process-wide hook for this.
 */
export function logAiSdkWarnings(log: Logger): void {
  globalThis.AI_SDK_LOG_WARNINGS = ({ warnings, provider, model }) => log.debug({ warnings, provider, model }, 'AI SDK warnings');
}
