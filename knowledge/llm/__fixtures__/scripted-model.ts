/**
 * A language-model fake for tests: `ai/test`'s `MockLanguageModelV3`, answering each call with
 * what a script returns for it — a JSON object (sent as the model's text), an error to throw, or
 * `'hang'` (never answers, ignoring the abort signal like a stuck provider would).
 */
import { MockLanguageModelV3 } from 'ai/test';

/** The options of one model call (the provider spec's type, through the mock's signature). */
type CallOptions = Parameters<MockLanguageModelV3['doGenerate']>[0];

/** What the fake sees of a call. */
export interface ScriptedCall {
  system: string;
  /** The user messages' text. */
  prompt: string;
}

export type ScriptedAnswer = Record<string, unknown> | Error | 'hang';

/** A mock model whose answers come from `script`; `model.doGenerateCalls` records the calls. */
export function scriptedModel(script: (call: ScriptedCall) => ScriptedAnswer): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    doGenerate: async (options: CallOptions) => {
      const answer = script(callOf(options));
      if (answer === 'hang') return new Promise<never>(() => undefined);
      if (answer instanceof Error) throw answer;
      return {
        content: [{ type: 'text' as const, text: JSON.stringify(answer) }],
        finishReason: { unified: 'stop' as const, raw: 'stop' },
        usage: {
          inputTokens: { total: 100, noCache: 100, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 20, text: 20, reasoning: 0 },
        },
        warnings: [],
      };
    },
  });
}

/** The system and user text of a recorded or ongoing call. */
export function callOf(options: CallOptions): ScriptedCall {
  const system = options.prompt.flatMap((message) => (message.role === 'system' ? [message.content] : [])).join('\n');
  const prompt = options.prompt
    .flatMap((message) => (message.role === 'user' ? message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])) : []))
    .join('\n');
  return { system, prompt };
}
