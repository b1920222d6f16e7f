/**
 * WeChat's side of the wire, recorded: an HTTP client for the sandbox that counts the callback
 * tries it sends and keeps every answer. With `followDropped` (default) a try the sandbox gives up
 * on still runs to its end over the network, so the test sees what Kefu answered to every try
 * while the sandbox sees what WeChat would (the first answer). Without it, a dropped try closes
 * its connection, as WeChat does. `returnDelayMs` slows an answer on its way back to the sandbox
 * (network jitter): it was written by Kefu, it just arrives later.
 */
import type { FetchFunction } from '../../adapters/wechat-official/api-client.ts';

export interface RecordedAnswer {
  status: number;
  body: string;
}

export interface RecordingFetch {
  fetch: FetchFunction;
  /** How many requests were sent so far. */
  sent(): number;
  /** Every answer received so far, in arrival order. */
  answers(): RecordedAnswer[];
  /** Resolves when every request sent so far was answered or failed. */
  settled(): Promise<void>;
}

export interface RecordingFetchOptions {
  followDropped?: boolean;
  returnDelayMs?: (answer: RecordedAnswer) => number;
}

export function createRecordingFetch(options: RecordingFetchOptions = {}): RecordingFetch {
  const followDropped = options.followDropped ?? true;
  const answers: RecordedAnswer[] = [];
  const pending: Array<Promise<unknown>> = [];
  return {
    fetch(input, init = {}) {
      const { signal, ...rest } = init;
      const answered = globalThis.fetch(input, followDropped ? rest : init).then(async (response) => {
        const answer = { status: response.status, body: await response.text() };
        answers.push(answer);
        return answer;
      });
      pending.push(answered.catch(() => undefined));
      return new Promise<Response>((resolve, reject) => {
        const drop = () => reject(signal?.reason ?? new Error('aborted'));
        if (signal?.aborted) return drop();
        signal?.addEventListener('abort', drop, { once: true });
        answered.then(
          (answer) => setTimeout(() => resolve(new Response(answer.body, { status: answer.status })), options.returnDelayMs?.(answer) ?? 0),
          reject,
        );
      });
    },
    sent: () => pending.length,
    answers: () => [...answers],
    settled: async () => void (await Promise.all(pending)),
  };
}

/** Resolve once `condition` holds, checking every 20 ms; give up silently after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
