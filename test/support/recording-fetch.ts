/**
 * WeChat's side of the wire, recorded: an HTTP client for the sandbox that lets every callback
 * try run to its end on the server even after the sandbox stopped listening to it, and keeps
 * each answer. The sandbox still sees what WeChat would (the first answer; later ones dropped),
 * while the test also sees what Kefu answered to every try.
 */
import type { FetchFunction } from '../../adapters/wechat-official/api-client.ts';

export interface RecordedAnswer {
  status: number;
  body: string;
}

export interface RecordingFetch {
  fetch: FetchFunction;
  /** Every answer so far, in arrival order. */
  answers(): RecordedAnswer[];
  /** Resolves when every request started so far has been answered (or failed). */
  settled(): Promise<void>;
}

export function createRecordingFetch(): RecordingFetch {
  const answers: RecordedAnswer[] = [];
  const pending: Array<Promise<unknown>> = [];
  return {
    fetch(input, init = {}) {
      const { signal, ...detached } = init;
      const answered = globalThis.fetch(input, detached).then(async (response) => {
        const answer = { status: response.status, body: await response.text() };
        answers.push(answer);
        return answer;
      });
      pending.push(answered.catch(() => undefined));
      return new Promise<Response>((resolve, reject) => {
        const abort = () => reject(signal?.reason ?? new Error('aborted'));
        if (signal?.aborted) return abort();
        signal?.addEventListener('abort', abort, { once: true });
        answered.then((answer) => resolve(new Response(answer.body, { status: answer.status })), reject);
      });
    },
    answers: () => [...answers],
    settled: async () => void (await Promise.all(pending)),
  };
}
