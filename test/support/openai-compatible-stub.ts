/**
 * A local stand-in for an OpenAI-compatible chat endpoint (DeepSeek, Qwen, Ollama…): `node:http`
 * on 127.0.0.1 answering `POST …/chat/completions` in the OpenAI JSON format with what `answer`
 * returns for each request, and recording every request. Tests point `LLM_BASE_URL` at it, so the
 * real provider (`@ai-sdk/openai-compatible`) runs end to end without a real endpoint.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One chat message of a request. */
export interface StubChatMessage {
  role: string;
  content: string;
}

/** A request the stub received. */
export interface StubRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: { model: string; messages: StubChatMessage[]; response_format?: { type: string }; [key: string]: unknown };
}

export interface OpenAiCompatibleStub {
  /** Base URL to use as `LLM_BASE_URL` (ends in `/v1`). */
  baseUrl: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

/** Start the stub; `answer` gives the assistant message's content (a string) for each request. */
export async function startOpenAiCompatibleStub(answer: (request: StubRequest) => string): Promise<OpenAiCompatibleStub> {
  const requests: StubRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      const recorded: StubRequest = { path: request.url, headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
      requests.push(recorded);
      const content = answer(recorded);
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: recorded.body.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
