/**
 * Test support (not a test): a bare HTTP server that feeds webhook calls to an adapter the way
 * ingress does — raw body, URL-decoded query, 401 / 400 for signature / malformed errors — so the
 * sandbox can talk to the adapter over real HTTP without the rest of Kefu.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MalformedRequestError, SignatureError } from '../../bot/errors.ts';
import type { ChannelAdapter, WebhookRequest, WebhookResponse, WebhookResult } from '../types.ts';

/** Decides the answer to a parsed callback; default: the adapter's `acknowledge`. */
export type AnswerFunction = (result: Extract<WebhookResult, { kind: 'messages' }>) => Promise<WebhookResponse> | WebhookResponse;

/** A running test server. */
export interface AdapterTestServer {
  /** The webhook URL to give the sandbox. */
  webhookUrl: string;
  /** Every parsed result, in arrival order. */
  results: WebhookResult[];
  /** Every request as received (raw body and query), including refused ones. */
  requests: WebhookRequest[];
  close(): Promise<void>;
}

/** Serve `adapter` on an ephemeral 127.0.0.1 port. */
export async function serveAdapter(adapter: ChannelAdapter, answer?: AnswerFunction): Promise<AdapterTestServer> {
  const results: WebhookResult[] = [];
  const requests: WebhookRequest[] = [];
  const server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const url = new URL(incoming.url ?? '/', 'http://localhost');
    const request: WebhookRequest = {
      method: incoming.method ?? 'GET',
      query: Object.fromEntries(url.searchParams),
      headers: incoming.headers as Record<string, string | undefined>,
      rawBody: Buffer.concat(chunks),
    };
    requests.push(request);
    let response: WebhookResponse;
    try {
      const result = await adapter.handleWebhook(request);
      results.push(result);
      response =
        result.kind === 'response'
          ? result.response
          : answer
            ? await answer(result)
            : adapter.acknowledge(result.replyContext);
    } catch (error) {
      const status = error instanceof SignatureError ? 401 : error instanceof MalformedRequestError ? 400 : 500;
      response = { status, body: (error as Error).message };
    }
    if (outgoing.destroyed) return;
    outgoing.writeHead(response.status, { 'content-type': response.contentType ?? 'text/plain' });
    outgoing.end(response.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    webhookUrl: `http://127.0.0.1:${port}/webhooks/wechat-official/${encodeURIComponent(adapter.accountId)}`,
    results,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
