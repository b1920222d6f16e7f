/**
 * Mirrors the configured workspaces and channel accounts into the database at start-up, so that
 * rows written by ingress always reference known accounts. Channel secrets are sealed with the
 * secret box; only non-secret settings are stored in clear.
 */
import { sql } from 'drizzle-orm';
import type { ChannelConfig } from '../config.ts';
import type { SecretBox } from '../secret-box.ts';
import type { Database } from './database.ts';
import { channelAccounts, workspaces } from './schema.ts';

/** Keys of a channel entry that are secrets (sealed at rest, never logged). */
export const secretChannelKeys = ['appSecret', 'corpSecret', 'secret', 'clientSecret', 'token', 'encodingAesKey'];

export async function syncConfiguredAccounts(
  db: Database,
  input: { workspaces: Array<{ id: string; name: string }>; channels: ChannelConfig[]; secretBox: SecretBox },
): Promise<void> {
  for (const workspace of input.workspaces) {
    await db
      .insert(workspaces)
      .values(workspace)
      .onConflictDoUpdate({ target: workspaces.id, set: { name: workspace.name } });
  }
  for (const channel of input.channels) {
    const secrets: Record<string, unknown> = {};
    const settings: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(channel)) {
      if (secretChannelKeys.includes(key)) secrets[key] = value;
      else settings[key] = value;
    }
    const row = {
      id: channel.id,
      workspaceId: channel.workspace ?? input.workspaces[0]!.id,
      type: channel.type,
      name: channel.name ?? null,
      settings,
      secrets: input.secretBox.seal(JSON.stringify(secrets)),
    };
    await db
      .insert(channelAccounts)
      .values(row)
      .onConflictDoUpdate({
        target: channelAccounts.id,
        set: { workspaceId: row.workspaceId, type: row.type, name: row.name, settings: row.settings, secrets: row.secrets, updatedAt: sql`now()` },
      });
  }
}
