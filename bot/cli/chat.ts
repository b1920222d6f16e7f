/**
 * `kefu chat`: talk to the bot in the terminal as a WeChat follower. Each line goes sandbox →
 * signed, encrypted webhook → pipeline → reply path → sandbox → printed. Uses the running server
 * when one answers on PORT; otherwise starts Kefu in this process (embedded, quiet logs).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { startKefu, type RunningKefu } from '../app.ts';
import { loadConfig } from '../config.ts';
import { KefuError } from '../errors.ts';
import { createLogger } from '../logger.ts';

interface ReplyView {
  sequence: number;
  text: string;
  via: 'passive' | 'api';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function serverAnswers(url: string, channel: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/sandbox/wechat-official/${channel}/followers/probe/inbox`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function runChat(options: { user?: string; channel?: string }): Promise<number> {
  let config = loadConfig();
  const channel = options.channel ?? config.channels.find((c) => c.type === 'wechat-official')?.id;
  if (!channel) throw new KefuError('no_channel', 'kefu chat needs a wechat-official channel in the configuration');
  let url = `http://127.0.0.1:${config.port}`;
  let own: RunningKefu | undefined;
  if (!(await serverAnswers(url, channel))) {
    if (!config.sandbox) throw new KefuError('no_sandbox', `no Kefu with a sandbox answers at ${url}; start one, or enable "sandbox" in the config`);
    const port = await freePort();
    config = loadConfig({ ...process.env, PORT: String(port) });
    own = await startKefu(config, { log: createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }), port });
    url = own.url;
  }
  const openId = options.user ?? `o_cli_${randomBytes(5).toString('hex')}`;
  const base = `${url}/sandbox/wechat-official/${channel}/followers/${openId}`;
  const print = (replies: ReplyView[]) => {
    for (const reply of replies) {
      const [first, ...rest] = reply.text.split('\n');
      process.stdout.write(`公众号: ${[first, ...rest.map((line) => (line ? `        ${line}` : ''))].join('\n')}\n`);
    }
  };
  const send = async (body: object): Promise<ReplyView[]> => {
    const response = await fetch(`${base}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json()) as { replies?: ReplyView[]; error?: { message: string } };
    if (!response.ok) throw new KefuError('chat_failed', json.error?.message ?? response.statusText);
    return json.replies ?? [];
  };

  process.stdout.write(`Chatting with ${channel} at ${url} as follower ${openId}. Type a question; Ctrl-D or /quit to leave.\n`);
  print(await send({ event: 'subscribe' }));
  const input = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const prompt = () => process.stdin.isTTY && input.prompt();
  input.setPrompt('你: ');
  prompt();
  for await (const line of input) {
    const text = line.trim();
    if (text === '/quit') break;
    if (text) {
      if (!process.stdin.isTTY) process.stdout.write(`你: ${text}\n`);
      try {
        const replies = await send({ text });
        // Silence is an answer too (a human was asked for, or owns the conversation): say so.
        if (replies.length === 0) process.stdout.write('(没有回复)\n');
        else print(replies);
      } catch (error) {
        process.stdout.write(`(发送失败: ${(error as Error).message})\n`);
      }
    }
    prompt();
  }
  input.close();
  await own?.close();
  return 0;
}
