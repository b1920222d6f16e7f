/**
 * Intent classification by an LLM with structured output (AI SDK `generateText` + `Output.object`):
 * the model must answer one of the intent names or `oos`, with a confidence. Used for the
 * utterances the example classifier is unsure about; works with any `LanguageModel` (DeepSeek,
 * Qwen, Ollama through `@ai-sdk/openai-compatible`, or `ai/test`'s mock in tests).
 */
import { generateText, Output, type LanguageModel } from 'ai';
import { z } from 'zod';
import { OUT_OF_SCOPE, type IntentDefinition, type IntentDetector, type IntentPrediction } from './types.ts';

/** Options of {@link createLlmClassifier}. */
export interface LlmClassifierOptions {
  model: LanguageModel;
  intents: readonly IntentDefinition[];
  /** Examples of each intent shown in the prompt; default 3. */
  examplesPerIntent?: number;
  /** Extra instructions appended to the system prompt (domain, tone of the shop…). */
  instructions?: string;
  /** Aborts the call (e.g. a timeout signal from the pipeline). */
  abortSignal?: AbortSignal;
}

/** The system prompt: the intent catalogue and the rules of the answer. */
export function buildIntentPrompt(intents: readonly IntentDefinition[], examplesPerIntent = 3, instructions?: string): string {
  const catalogue = intents.map((intent) => {
    const examples = intent.examples.slice(0, examplesPerIntent).map((example) => `「${example}」`).join(' ');
    return `- ${intent.name}: ${intent.description ?? ''}${examples ? ` 例: ${examples}` : ''}`;
  });
  return [
    '你是客服机器人的意图识别器。You classify one customer message into exactly one intent.',
    'Intents:',
    ...catalogue,
    `- ${OUT_OF_SCOPE}: none of the above (product questions, chit-chat, anything else).`,
    'Answer the intent name and your confidence between 0 and 1. Choose oos when unsure which intent applies.',
    ...(instructions ? [instructions] : []),
  ].join('\n');
}

/**
 * An {@link IntentDetector} backed by an LLM. Errors of the model call (network, invalid output)
 * are thrown to the caller, which decides the fallback (the intent detector keeps the classifier's
 * answer).
 */
export function createLlmClassifier(options: LlmClassifierOptions): IntentDetector {
  const labels: [string, ...string[]] = [OUT_OF_SCOPE, ...options.intents.map((intent) => intent.name)];
  const schema = z.object({
    intent: z.enum(labels),
    confidence: z.number().min(0).max(1),
  });
  const system = buildIntentPrompt(options.intents, options.examplesPerIntent, options.instructions);
  return {
    async detect(text: string): Promise<IntentPrediction> {
      const { output } = await generateText({
        model: options.model,
        system,
        prompt: text,
        temperature: 0,
        abortSignal: options.abortSignal,
        output: Output.object({ schema, name: 'intent_classification' }),
      });
      return { intent: output.intent, confidence: output.confidence, source: 'llm' };
    },
  };
}
