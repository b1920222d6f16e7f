/**
 * Channel type → adapter factory. Adding a channel means adding its folder and one line here.
 */
import type { ChannelConfig } from '../bot/config.ts';
import { ConfigError } from '../bot/errors.ts';
import type { ChannelType } from '../bot/model.ts';
import type { Cache } from '../bot/ports/cache.ts';
import type { Lock } from '../bot/ports/lock.ts';
import type { ChannelAdapter } from './types.ts';
import { createWechatOfficialAdapter, type WechatOfficialConfig } from './wechat-official/index.ts';

/** What every adapter may use from the runtime. */
export interface AdapterDependencies {
  cache: Cache;
  lock: Lock;
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  now?: () => number;
}

type AdapterFactory = (config: ChannelConfig, dependencies: AdapterDependencies) => ChannelAdapter;

const factories: Partial<Record<ChannelType, AdapterFactory>> = {
  'wechat-official': (config, dependencies) =>
    createWechatOfficialAdapter(config as unknown as WechatOfficialConfig, dependencies),
};

/** Channel types this build can serve. */
export const supportedChannelTypes = Object.keys(factories) as ChannelType[];

/** Create the adapter of one configured channel; `ConfigError` for unsupported types or bad keys. */
export function createAdapter(config: ChannelConfig, dependencies: AdapterDependencies): ChannelAdapter {
  const factory = factories[config.type];
  if (!factory) {
    throw new ConfigError(
      `channels "${config.id}".type: channel type "${config.type}" is not available yet (supported: ${supportedChannelTypes.join(', ')})`,
    );
  }
  return factory(config, dependencies);
}
