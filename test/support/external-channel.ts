/**
 * A WeChat Official Account channel whose "WeChat" is a sandbox on its own port, outside Kefu —
 * as in production, where Kefu reaches WeChat over the network. The test chooses the sandbox's
 * retry policy (the demo's sandbox inside Kefu keeps WeChat's 5 s) and writes the channel into a
 * `kefu.config.json` that Kefu reads through `KEFU_CONFIG`.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWechatOfficialSandbox, type WechatOfficialSandbox } from '../../adapters/wechat-official/sandbox.ts';
import type { FetchFunction } from '../../adapters/wechat-official/api-client.ts';

export interface ExternalChannelOptions {
  /** The channel's passive-reply budget in Kefu (ms); Kefu's default when omitted. */
  passiveReplyBudgetMs?: number;
  /** The sandbox's delivery policy (WeChat: 5000 ms, 3 tries, connection dropped on timeout). */
  tryTimeoutMs?: number;
  maxTries?: number;
  abortOnTimeout?: boolean;
  /** The sandbox's HTTP client for callbacks. */
  fetch?: FetchFunction;
}

export interface ExternalChannel {
  id: string;
  sandbox: WechatOfficialSandbox;
  /** The channel's entry in `kefu.config.json`. */
  entry: Record<string, unknown>;
  /** Point the sandbox's callbacks at this channel's webhook on `kefuUrl`. */
  connect(kefuUrl: string): void;
}

/** Start a safe-mode sandbox account with fresh credentials, listening on an ephemeral port. */
export async function createExternalChannel(id: string, options: ExternalChannelOptions = {}): Promise<ExternalChannel> {
  const credentials = {
    appId: `wx${randomBytes(8).toString('hex')}`,
    appSecret: randomBytes(16).toString('hex'),
    token: randomBytes(12).toString('hex'),
    // 32 random bytes in base64 without the trailing "=": WeChat's 43-character EncodingAESKey.
    encodingAesKey: randomBytes(32).toString('base64').slice(0, 43),
    originalId: `gh_${randomBytes(6).toString('hex')}`,
  };
  const sandbox = createWechatOfficialSandbox({
    ...credentials,
    tryTimeoutMs: options.tryTimeoutMs,
    maxTries: options.maxTries,
    abortOnTimeout: options.abortOnTimeout,
    fetch: options.fetch,
  });
  const { apiBaseUrl } = await sandbox.listen();
  return {
    id,
    sandbox,
    entry: {
      id,
      type: 'wechat-official',
      ...credentials,
      apiBaseUrl,
      ...(options.passiveReplyBudgetMs === undefined ? {} : { passiveReplyBudgetMs: options.passiveReplyBudgetMs }),
    },
    connect: (kefuUrl) => sandbox.setWebhookUrl(`${kefuUrl}/webhooks/wechat-official/${id}`),
  };
}

/** Write a `kefu.config.json` with these channels (no sandbox mounted in Kefu) and return its path. */
export function writeKefuConfig(
  dir: string,
  channels: ExternalChannel[],
  extra: { knowledge?: Array<{ file: string; name?: string }>; handoff?: Record<string, unknown> } = {},
): string {
  const path = join(dir, 'kefu.config.json');
  const config = {
    workspaces: [{ id: 'default', name: 'E2E' }],
    channels: channels.map((channel) => channel.entry),
    knowledge: extra.knowledge ?? [],
    ...(extra.handoff ? { handoff: extra.handoff } : {}),
    sandbox: false,
  };
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
