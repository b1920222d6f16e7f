/** The adapters' HTTP client against a real local server. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { httpFetch, maxAnswerBytes } from './http-fetch.ts';

let server: Server;
let base: string;
const seen: Array<{ method?: string; url?: string; contentType?: string; body: string }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, contentType: request.headers['content-type'], body });
      if (request.url === '/slow') return void setTimeout(() => response.end('late'), 2_000);
      if (request.url === '/huge') return void response.end(Buffer.alloc(maxAnswerBytes + 1, 'x'));
      if (request.url === '/down') {
        response.statusCode = 502;
        return void response.end('bad gateway');
      }
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ errcode: 0, errmsg: 'ok', echo: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('httpFetch', () => {
  test('sends method, headers and a UTF-8 body, and reads the answer', async () => {
    const body = JSON.stringify({ touser: 'o1', text: { content: '你好，门店几点开门？' } });
    const answer = await httpFetch(`${base}/cgi-bin/message/custom/send?access_token=t`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
    });
    expect(answer).toMatchObject({ ok: true, status: 200 });
    expect(JSON.parse(await answer.text())).toEqual({ errcode: 0, errmsg: 'ok', echo: body });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/cgi-bin/message/custom/send?access_token=t', contentType: 'application/json; charset=utf-8', body });
  });

  test('a non-2xx status is an answer, not an error', async () => {
    const answer = await httpFetch(`${base}/down`);
    expect(answer.ok).toBe(false);
    expect(answer.status).toBe(502);
    expect(await answer.text()).toBe('bad gateway');
  });

  test('an abort signal (the caller\'s timeout) rejects the call', async () => {
    await expect(httpFetch(`${base}/slow`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
  });

  test('an answer over the size limit is refused, not buffered', async () => {
    await expect(httpFetch(`${base}/huge`)).rejects.toThrow(/larger than/);
  });

  test('a closed port rejects; other protocols are refused', async () => {
    await expect(httpFetch('http://127.0.0.1:9/')).rejects.toThrow();
    await expect(httpFetch('ftp://example.com/')).rejects.toThrow(/unsupported protocol/);
  });
});
