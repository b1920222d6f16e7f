/**
 * A workspace's own intents managed through the dashboard API, and the inherited ones it switches
 * off (`{ name, disabled: true }`), in the database (`workspace_intents`, one row per workspace,
 * the list in order): read, read the revision, replace as a whole. Every
 * function filters on `workspaceId`. A replace increments `revision`; `createWorkspaceIntents`
 * compares it with the revision its detector was trained on at every stamp check (as the
 * retriever does with the published stamp) and retrains on a change.
 */
import { eq, sql } from 'drizzle-orm';
import { KefuError } from '../../bot/errors.ts';
import type { Database } from '../../bot/storage/database.ts';
import { workspaceIntents } from '../../bot/storage/schema.ts';
import { isDisabledIntent, type OwnIntentEntry } from './workspace-intents.ts';

/** A stored intent list (own intents and disabled inherited ones); a workspace that never had one reads as empty with revision 0. */
export interface StoredIntents {
  intents: OwnIntentEntry[];
  revision: number;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** Where `createWorkspaceIntents` reads the API-managed intents of a workspace. */
export interface StoredIntentSource {
  /** The revision of the workspace's list: 0 until the first replace. Cheap; read at every stamp check. */
  revision(workspaceId: string): Promise<number>;
  /** The workspace's list and its revision. */
  load(workspaceId: string): Promise<StoredIntents>;
}

/** The revision a replace expected is no longer the stored one: someone else changed the intents. */
export class IntentsChangedError extends KefuError {
  constructor(expected: number, actual: number) {
    super('intents_changed', `the intents are at revision ${actual}, not ${expected}; read them again and reapply the change`);
  }
}

/** Drops absent optional keys, so a stored entry reads back exactly as it was given. */
const definitionOf = (entry: OwnIntentEntry): OwnIntentEntry => {
  if (isDisabledIntent(entry)) return { name: entry.name, disabled: true };
  const { name, description, examples, keywords, patterns, reply } = entry;
  return {
    name,
    ...(description !== undefined && { description }),
    examples,
    ...(keywords !== undefined && { keywords }),
    ...(patterns !== undefined && { patterns }),
    ...(reply !== undefined && { reply }),
  };
};

/** The workspace's own intents (empty, revision 0, when none were ever stored). */
export async function getStoredIntents(db: Database, workspaceId: string): Promise<StoredIntents> {
  const [row] = await db.select().from(workspaceIntents).where(eq(workspaceIntents.workspaceId, workspaceId));
  if (!row) return { intents: [], revision: 0, updatedBy: null, updatedAt: null };
  return { intents: row.intents.map(definitionOf), revision: row.revision, updatedBy: row.updatedBy, updatedAt: row.updatedAt };
}

/** The revision of the workspace's own intents: 0 until the first replace. */
export async function storedIntentsRevision(db: Database, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ revision: workspaceIntents.revision })
    .from(workspaceIntents)
    .where(eq(workspaceIntents.workspaceId, workspaceId));
  return row?.revision ?? 0;
}

/**
 * Replace the workspace's own intents with `intents`, which the caller has checked
 * (`checkIntentList`) and trained (`WorkspaceIntents.prepare`). With `expectedRevision`, throws
 * `IntentsChangedError` unless the stored revision is that one. The workspace row must exist.
 */
export async function replaceStoredIntents(
  db: Database,
  workspaceId: string,
  intents: readonly OwnIntentEntry[],
  options: { operatorId?: string | null; expectedRevision?: number } = {},
): Promise<StoredIntents> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ revision: workspaceIntents.revision })
      .from(workspaceIntents)
      .where(eq(workspaceIntents.workspaceId, workspaceId))
      .for('update');
    const revision = current?.revision ?? 0;
    if (options.expectedRevision !== undefined && options.expectedRevision !== revision) {
      throw new IntentsChangedError(options.expectedRevision, revision);
    }
    const values = { intents: intents.map(definitionOf), updatedBy: options.operatorId ?? null, updatedAt: new Date() };
    // Two first writes race past the lock (no row to lock yet): the upsert makes the second one
    // the next revision instead of failing on the key.
    await tx
      .insert(workspaceIntents)
      .values({ workspaceId, ...values, revision: revision + 1 })
      .onConflictDoUpdate({ target: workspaceIntents.workspaceId, set: { ...values, revision: sql`${workspaceIntents.revision} + 1` } });
    return getStoredIntents(tx, workspaceId);
  });
}

/** The database as `createWorkspaceIntents` reads it. */
export function createStoredIntentSource(db: Database): StoredIntentSource {
  return {
    revision: (workspaceId) => storedIntentsRevision(db, workspaceId),
    load: (workspaceId) => getStoredIntents(db, workspaceId),
  };
}
