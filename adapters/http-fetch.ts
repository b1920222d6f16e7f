/**
 * The HTTP client adapters call platform APIs with: the part of `fetch` they use (method, headers,
 * string body, abort signal; status and text back) over `node:http`/`node:https` with keep-alive
 * agents. Node's global `fetch` (undici behind web streams) cost ≈ 0.6–1.1 ms of CPU per small
 * JSON call on the bench machine against ≈ 0.1–0.3 ms for this, and an outbox sends one call per
 * reply. Tests inject a fake or the global `fetch` (a `Response` satisfies `HttpAnswer`).
 */
import http from 'node:http';
import https from 'node:https';

/** What a caller reads of an answer (a `Response` has it too). */
export interface HttpAnswer {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}

/** What a caller may send (a subset of `RequestInit`). */
export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** The signature adapters take for their HTTP calls (`httpFetch` by default). */
export type HttpFetch = (input: string, init?: HttpRequestInit) => Promise<HttpAnswer>;

/** Platform API answers are small JSON objects; a larger body is refused rather than buffered. */
export const maxAnswerBytes = 4 * 1024 * 1024;

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** One request; rejects on a network error, an abort, or an answer over `maxAnswerBytes`. */
export const httpFetch: HttpFetch = (input, init = {}) => {
  const url = new URL(input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new TypeError(`unsupported protocol ${url.protocol}`));
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const request = transport.request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, agent: agents[url.protocol as 'http:' | 'https:'], signal: init.signal },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxAnswerBytes) {
            response.destroy();
            reject(new Error(`answer larger than ${maxAnswerBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          resolve({ ok: status >= 200 && status < 300, status, text: async () => body });
        });
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
};
