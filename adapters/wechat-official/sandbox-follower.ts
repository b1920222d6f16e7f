/**
 * Delivering a callback the way WeChat does (PLATFORMS.md §2.3): POST to the webhook, give each try
 * `tryTimeoutMs` (5 s in production), and retry up to 3 tries in total with the identical request.
 * By default a timed-out try is dropped (the connection closed) — the server may still be working on
 * it, so retries overlap server-side anyway; with `abortOnTimeout: false` the earlier try stays open
 * and whichever answer comes first wins.
 */
import { KefuError } from '../../bot/errors.ts';
import type { FetchFunction } from './api-client.ts';
import { callbackUrl, type SandboxCallback } from './sandbox-callback.ts';

/** How one callback delivery ended. */
export interface FollowerDelivery {
  /**
   * - `answered`: the webhook answered 200 (see the decoded reply in the sandbox's result);
   * - `rejected`: it answered another HTTP status (no retry);
   * - `timed-out`: no try answered in time;
   * - `failed`: the last try could not connect.
   */
  outcome: 'answered' | 'rejected' | 'timed-out' | 'failed';
  /** Tries started (1–3). */
  tries: number;
  status?: number;
  body?: string;
  detail?: string;
}

/** Retry behaviour of deliveries. */
export interface DeliveryPolicy {
  tryTimeoutMs: number;
  maxTries: number;
  abortOnTimeout: boolean;
}

/** The webhook URL is not set yet. */
export class SandboxNotConnectedError extends KefuError {
  constructor() {
    super('sandbox_not_connected', 'the sandbox has no webhook URL; pass webhookUrl or call setWebhookUrl');
  }
}

/** POST `callback` to `webhookUrl` with WeChat's timeout and retries. */
export function deliverCallback(
  fetchFunction: FetchFunction,
  webhookUrl: string,
  callback: SandboxCallback,
  policy: DeliveryPolicy,
): Promise<FollowerDelivery> {
  const url = callbackUrl(webhookUrl, callback.query);
  const controllers: AbortController[] = [];
  const timers: NodeJS.Timeout[] = [];
  let settled = false;

  return new Promise((resolve) => {
    const settle = (delivery: FollowerDelivery) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      // WeChat closes whatever is still open once it has its answer.
      for (const controller of controllers) controller.abort();
      resolve(delivery);
    };

    const startTry = () => {
      const tryNumber = controllers.length + 1;
      const controller = new AbortController();
      controllers.push(controller);
      const timer = setTimeout(() => {
        if (settled) return;
        if (policy.abortOnTimeout) controller.abort();
        if (tryNumber < policy.maxTries) startTry();
        else settle({ outcome: 'timed-out', tries: tryNumber, detail: `no answer within ${policy.tryTimeoutMs} ms` });
      }, policy.tryTimeoutMs);
      timers.push(timer);
      fetchFunction(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', 'user-agent': 'Mozilla/4.0 (Kefu WeChat sandbox)' },
        body: callback.body,
        signal: controller.signal,
      })
        .then(async (response) => {
          const body = await response.text();
          const tries = controllers.length;
          if (response.status === 200) settle({ outcome: 'answered', tries, status: 200, body });
          else settle({ outcome: 'rejected', tries, status: response.status, body });
        })
        .catch((error: unknown) => {
          if (settled || controller.signal.aborted) return;
          // A refused connection counts as a failed try; only the newest try's failure moves on.
          if (tryNumber !== controllers.length) return;
          clearTimeout(timer);
          if (tryNumber < policy.maxTries) startTry();
          else settle({ outcome: 'failed', tries: tryNumber, detail: (error as Error).message });
        });
    };

    startTry();
  });
}

/** GET the webhook like the console's "submit" does and report whether it echoed `echostr`. */
export async function verifyWebhookUrl(
  fetchFunction: FetchFunction,
  webhookUrl: string,
  query: Record<string, string>,
  timeoutMs: number,
): Promise<boolean> {
  try {
    const response = await fetchFunction(callbackUrl(webhookUrl, query), { signal: AbortSignal.timeout(timeoutMs) });
    return response.status === 200 && (await response.text()) === query.echostr;
  } catch {
    return false;
  }
}
