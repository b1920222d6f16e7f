/** An in-memory stand-in for `workspace_intents` (`StoredIntentSource`): lists put by the test, reads counted. */
import type { StoredIntents, StoredIntentSource } from '../../knowledge/intents/workspace-intent-store.ts';

export function memoryIntentSource() {
  const rows = new Map<string, { intents: StoredIntents['intents']; revision: number }>();
  const reads = { revision: 0, load: 0 };
  const source: StoredIntentSource = {
    revision: async (workspaceId) => {
      reads.revision += 1;
      return rows.get(workspaceId)?.revision ?? 0;
    },
    load: async (workspaceId) => {
      reads.load += 1;
      const row = rows.get(workspaceId) ?? { intents: [], revision: 0 };
      return { ...row, updatedBy: null, updatedAt: null };
    },
  };
  /** Store `intents` as the workspace's list, at the next revision (as a replace does); returns that revision. */
  const put = (workspaceId: string, intents: StoredIntents['intents']): number => {
    const revision = (rows.get(workspaceId)?.revision ?? 0) + 1;
    rows.set(workspaceId, { intents, revision });
    return revision;
  };
  return { source, put, reads };
}
