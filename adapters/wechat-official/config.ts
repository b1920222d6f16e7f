/**
 * Configuration of one WeChat Official Account channel, validated at start-up so that a bad setting
 * is named (`encodingAesKey: …`) instead of failing at the first webhook.
 */
import { z } from 'zod';
import { ConfigError } from '../../bot/errors.ts';
import { isEncodingAesKey } from '../wechat-crypto/index.ts';

/** The real WeChat API host; a sandbox or proxy stands in through `apiBaseUrl`. */
export const defaultApiBaseUrl = 'https://api.weixin.qq.com';

/** Schema of a `wechat-official` entry in `kefu.config.json` (unknown keys are ignored). */
export const wechatOfficialConfigSchema = z.object({
  /** Channel account id (the last webhook path segment). */
  id: z.string().min(1),
  /** The account's AppID (`wx…`); also the receiveid of safe-mode encryption. */
  appId: z.string().min(1),
  appSecret: z.string().min(1),
  /** The callback Token set in the WeChat console. */
  token: z.string().min(1),
  /** The account's original id (`gh_…`); when set, callbacks addressed to another account are refused. */
  originalId: z.string().min(1).optional(),
  /** EncodingAESKey for safe / compatibility mode; omit in plaintext mode. */
  encodingAesKey: z
    .string()
    .refine(isEncodingAesKey, 'must be 43 base64 characters decoding to a 32-byte key')
    .optional(),
  apiBaseUrl: z
    .url({ protocol: /^https?$/ })
    .transform((url) => url.replace(/\/+$/, ''))
    .default(defaultApiBaseUrl),
  /** How far a callback's timestamp may be from now; 0 disables the check. */
  timestampWindowSeconds: z.number().int().min(0).default(300),
});

/** A `wechat-official` channel entry as written in the config file. */
export type WechatOfficialConfig = z.input<typeof wechatOfficialConfigSchema>;

/** A validated entry with defaults applied. */
export type WechatOfficialSettings = z.output<typeof wechatOfficialConfigSchema>;

/** Validate a channel entry; throws `ConfigError` naming the first bad key. */
export function parseWechatOfficialConfig(config: WechatOfficialConfig): WechatOfficialSettings {
  const result = wechatOfficialConfigSchema.safeParse(config);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.path.map(String).join('.') || '(root)';
  const channel = typeof config.id === 'string' ? ` "${config.id}"` : '';
  throw new ConfigError(`wechat-official channel${channel}: ${key}: ${issue?.message ?? 'invalid'}`, {
    cause: result.error,
  });
}
