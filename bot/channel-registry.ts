/**
 * The channel accounts this process serves: each adapter with the workspace it belongs to and its
 * delivery settings. Built once at start-up by the composition root.
 */
import type { ChannelAdapter } from '../adapters/types.ts';
import type { ChannelType } from './model.ts';

/**
 * API sends per minute per account when a channel sets no `sendsPerMinute`. The platforms publish
 * daily quotas (an Official Account's customer-service API: 500 000 a day) rather than a per-minute
 * figure, so this is a guard against a runaway loop, not a platform number; raise it for a busy
 * account whose answers often miss the passive-reply budget.
 */
export const defaultSendsPerMinute = 600;

export interface ChannelEntry {
  adapter: ChannelAdapter;
  workspaceId: string;
  /** The account's name as staff know it (`channels[].name`); default its id. */
  name?: string;
  /** How long a webhook may wait to carry the answer in its HTTP response (0 = never). */
  passiveReplyBudgetMs: number;
  /** API sends allowed per minute for this account (outbox rate limit). */
  sendsPerMinute: number;
}

export class ChannelRegistry {
  readonly #entries = new Map<string, ChannelEntry>();

  add(entry: ChannelEntry): void {
    if (this.#entries.has(entry.adapter.accountId)) throw new Error(`duplicate channel ${entry.adapter.accountId}`);
    this.#entries.set(entry.adapter.accountId, entry);
  }

  /** The channel with this id, or undefined (also when its type is not `type`). */
  find(accountId: string, type?: ChannelType): ChannelEntry | undefined {
    const entry = this.#entries.get(accountId);
    if (!entry || (type && entry.adapter.type !== type)) return undefined;
    return entry;
  }

  /** The channel with this id; throws when unknown (a stored row names a removed channel). */
  get(accountId: string): ChannelEntry {
    const entry = this.#entries.get(accountId);
    if (!entry) throw new Error(`channel ${accountId} is not configured`);
    return entry;
  }

  all(): ChannelEntry[] {
    return [...this.#entries.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((entry) => entry.adapter.close?.()));
  }
}
