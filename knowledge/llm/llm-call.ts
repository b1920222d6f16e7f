/**
 * One bounded LLM call: whatever the provider does with the abort signal, the caller gets an
 * answer or an `LlmCallError` by the deadline, so a slow or unreachable model can never hold a
 * customer's reply past the platform's passive-reply budget.
 */
import { KefuError } from '../../bot/errors.ts';

/** A model call failed (`llm_failed`) or did not finish before its deadline (`llm_timeout`). */
export class LlmCallError extends KefuError {
  constructor(code: 'llm_failed' | 'llm_timeout', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * Run `call` with `signal`, rejecting with `LlmCallError` (`llm_timeout`) as soon as the signal
 * aborts — even if the provider ignores it — and wrapping any other failure as `llm_failed`.
 */
export async function boundedLlmCall<T>(what: string, signal: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timedOut = () => new LlmCallError('llm_timeout', `${what}: no answer from the model before the deadline`, { cause: signal.reason });
  if (signal.aborted) throw timedOut();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(timedOut());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const pending = call(signal);
  // Settled after the deadline, its failure has no one left to report to.
  pending.catch(() => undefined);
  try {
    return await Promise.race([pending, aborted]);
  } catch (error) {
    if (error instanceof LlmCallError) throw error;
    if (signal.aborted) throw timedOut();
    throw new LlmCallError('llm_failed', `${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
