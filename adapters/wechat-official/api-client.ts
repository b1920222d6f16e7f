/**
 * One call to a WeChat HTTP API, with transport failures mapped to `ChannelSendError`. WeChat answers
 * HTTP 200 with `{errcode, errmsg}` for its own errors; callers interpret `errcode`.
 * Invariant: no error message built here contains the URL (it carries the secret or access_token).
 */
import { ChannelSendError } from '../../bot/errors.ts';
import type { HttpAnswer, HttpFetch, HttpRequestInit } from '../http-fetch.ts';

/** The HTTP call the adapter makes (`httpFetch` by default; a fake or the global `fetch` in tests). */
export type FetchFunction = HttpFetch;

/** A decoded WeChat API answer: its JSON object plus `errcode` (0 when absent) and `errmsg`. */
export interface WechatApiAnswer {
  errcode: number;
  errmsg: string;
  body: Record<string, unknown>;
}

/** Call `url` and decode the JSON answer. `what` names the call in error messages. */
export async function callWechatApi(
  fetchFunction: FetchFunction,
  url: string,
  init: HttpRequestInit,
  options: { what: string; timeoutMs: number },
): Promise<WechatApiAnswer> {
  let response: HttpAnswer;
  try {
    response = await fetchFunction(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    throw new ChannelSendError(`${options.what}: request failed`, { retryable: true, code: 'network_error', cause: error });
  }
  if (!response.ok) {
    const retryable = response.status >= 500 || response.status === 429;
    throw new ChannelSendError(`${options.what}: HTTP ${response.status}`, { retryable, code: 'http_error' });
  }
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch (error) {
    throw new ChannelSendError(`${options.what}: answer is not JSON`, { retryable: true, code: 'bad_response', cause: error });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ChannelSendError(`${options.what}: answer is not a JSON object`, { retryable: true, code: 'bad_response' });
  }
  const record = body as Record<string, unknown>;
  const errcode = typeof record.errcode === 'number' ? record.errcode : 0;
  const errmsg = typeof record.errmsg === 'string' ? record.errmsg : '';
  return { errcode, errmsg, body: record };
}
