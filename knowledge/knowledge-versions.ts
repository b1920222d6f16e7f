/**
 * The version lifecycle of a knowledge base: open a draft (a copy of the published version, or
 * empty), discard it, publish it (the previous published version is archived), and roll back (a
 * copy of an earlier version is published as the newest version: history is never rewritten).
 * Each change runs in one transaction holding the base's row lock, so customers are never answered
 * from a half-written base and two operators' changes apply one after the other.
 */
import { and, asc, count, desc, eq, max, ne, sql } from 'drizzle-orm';
import { KefuError } from '../bot/errors.ts';
import type { Database } from '../bot/storage/database.ts';
import { knowledgeBases, knowledgeEntries, knowledgeVersions } from '../bot/storage/schema.ts';
import { lockKnowledgeBase, type KnowledgeBaseKey, type LockedKnowledgeBase } from './knowledge-bases.ts';

/** The status of a version. */
export type VersionStatus = 'draft' | 'published' | 'archived';

/** A version with its entry count. */
export interface VersionSummary {
  id: string;
  number: number;
  status: VersionStatus;
  entries: number;
  basedOnVersionId: string | null;
  /** Number of `basedOnVersionId`, when it still exists. */
  basedOnVersionNumber: number | null;
  createdBy: string | null;
  publishedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
}

/** A version that was just published. */
export interface PublishedVersion {
  knowledgeBaseId: string;
  versionId: string;
  number: number;
  entries: number;
}

/** Which version a read means: the published one, the draft, or a number. */
export type VersionSelector = 'published' | 'draft' | number;

/** Who asked for a change: an operator id, or null for the CLI and start-up imports. */
export interface Actor {
  operatorId?: string | null;
}

/** Copy every entry of one version into another, content hashes and embeddings included. */
export async function copyEntries(tx: Database, fromVersionId: string, toVersionId: string): Promise<void> {
  await tx.execute(sql`
    insert into ${knowledgeEntries}
      (workspace_id, knowledge_base_id, version_id, entry_key, kind, question, variants, answer,
       category, source_name, position, content_hash, embedding)
    select workspace_id, knowledge_base_id, ${toVersionId}::uuid, entry_key, kind, question, variants, answer,
       category, source_name, position, content_hash, embedding
    from ${knowledgeEntries} where version_id = ${fromVersionId}::uuid`);
}

/** The base's draft (id and number), if one is open. */
export async function findDraft(tx: Database, key: KnowledgeBaseKey): Promise<{ id: string; number: number } | undefined> {
  const [row] = await tx
    .select({ id: knowledgeVersions.id, number: knowledgeVersions.number })
    .from(knowledgeVersions)
    .where(draftOf(key));
  return row;
}

const draftOf = (key: KnowledgeBaseKey) =>
  and(
    eq(knowledgeVersions.workspaceId, key.workspaceId),
    eq(knowledgeVersions.knowledgeBaseId, key.knowledgeBaseId),
    eq(knowledgeVersions.status, 'draft'),
  );

async function nextNumber(tx: Database, knowledgeBaseId: string, exceptVersionId?: string): Promise<number> {
  const conditions = [eq(knowledgeVersions.knowledgeBaseId, knowledgeBaseId)];
  if (exceptVersionId) conditions.push(ne(knowledgeVersions.id, exceptVersionId));
  const [latest] = await tx.select({ number: max(knowledgeVersions.number) }).from(knowledgeVersions).where(and(...conditions));
  return (latest?.number ?? 0) + 1;
}

/**
 * Open the draft of a locked base unless one is open: a copy of the published version (or empty).
 * Call inside a transaction that holds the base's lock.
 */
export async function openDraftLocked(
  tx: Database,
  key: KnowledgeBaseKey,
  base: LockedKnowledgeBase,
  actor: Actor = {},
): Promise<{ id: string; number: number; created: boolean }> {
  const existing = await findDraft(tx, key);
  if (existing) return { ...existing, created: false };
  const number = await nextNumber(tx, base.id);
  const [draft] = await tx
    .insert(knowledgeVersions)
    .values({
      workspaceId: key.workspaceId,
      knowledgeBaseId: base.id,
      number,
      status: 'draft',
      basedOnVersionId: base.publishedVersionId,
      createdBy: actor.operatorId ?? null,
    })
    .returning({ id: knowledgeVersions.id });
  if (!draft) throw new KefuError('draft_not_created', 'the draft could not be created');
  if (base.publishedVersionId) await copyEntries(tx, base.publishedVersionId, draft.id);
  return { id: draft.id, number, created: true };
}

/** Open the base's draft (or return the open one); undefined when the workspace has no such base. */
export async function openDraft(
  db: Database,
  key: KnowledgeBaseKey,
  actor: Actor = {},
): Promise<{ id: string; number: number; created: boolean } | undefined> {
  return db.transaction(async (tx) => {
    const base = await lockKnowledgeBase(tx, key);
    return base ? openDraftLocked(tx, key, base, actor) : undefined;
  });
}

/** Throw away the base's draft and its entries; false when no draft is open (or no such base). */
export async function discardDraft(db: Database, key: KnowledgeBaseKey): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await lockKnowledgeBase(tx, key))) return false;
    const draft = await findDraft(tx, key);
    if (!draft) return false;
    await tx.delete(knowledgeEntries).where(eq(knowledgeEntries.versionId, draft.id));
    await tx.delete(knowledgeVersions).where(eq(knowledgeVersions.id, draft.id));
    return true;
  });
}

async function countEntries(tx: Database, versionId: string): Promise<number> {
  const [row] = await tx.select({ total: count() }).from(knowledgeEntries).where(eq(knowledgeEntries.versionId, versionId));
  return row?.total ?? 0;
}

/** Make `versionId` the published version of a locked base and archive the previous one. */
async function makePublished(tx: Database, base: LockedKnowledgeBase, versionId: string, actor: Actor): Promise<void> {
  const now = new Date();
  await tx
    .update(knowledgeVersions)
    .set({ status: 'archived', updatedAt: now })
    .where(and(eq(knowledgeVersions.knowledgeBaseId, base.id), eq(knowledgeVersions.status, 'published')));
  await tx
    .update(knowledgeVersions)
    .set({ status: 'published', publishedAt: now, publishedBy: actor.operatorId ?? null, updatedAt: now })
    .where(eq(knowledgeVersions.id, versionId));
  await tx.update(knowledgeBases).set({ publishedVersionId: versionId, updatedAt: now }).where(eq(knowledgeBases.id, base.id));
}

/**
 * Publish the draft of a locked base; undefined when none is open. The draft keeps its number
 * unless a rollback published a newer one meanwhile: then it becomes the newest.
 */
export async function publishDraftLocked(
  tx: Database,
  key: KnowledgeBaseKey,
  base: LockedKnowledgeBase,
  actor: Actor = {},
): Promise<PublishedVersion | undefined> {
  const draft = await findDraft(tx, key);
  if (!draft) return undefined;
  const number = await nextNumber(tx, base.id, draft.id);
  if (number !== draft.number) await tx.update(knowledgeVersions).set({ number }).where(eq(knowledgeVersions.id, draft.id));
  await makePublished(tx, base, draft.id, actor);
  return { knowledgeBaseId: base.id, versionId: draft.id, number, entries: await countEntries(tx, draft.id) };
}

/** Publish the base's draft; undefined when there is no such base or no draft. */
export async function publishDraft(db: Database, key: KnowledgeBaseKey, actor: Actor = {}): Promise<PublishedVersion | undefined> {
  return db.transaction(async (tx) => {
    const base = await lockKnowledgeBase(tx, key);
    return base ? publishDraftLocked(tx, key, base, actor) : undefined;
  });
}

/**
 * Publish a copy of version `number` as the newest version. Undefined when there is no such base
 * or version; throws `KefuError('already_published')` when it is the published one and
 * `KefuError('not_published_yet')` for the draft. An open draft is left as it is.
 */
export async function rollbackToVersion(
  db: Database,
  key: KnowledgeBaseKey & { number: number },
  actor: Actor = {},
): Promise<PublishedVersion | undefined> {
  return db.transaction(async (tx) => {
    const base = await lockKnowledgeBase(tx, key);
    if (!base) return undefined;
    const [target] = await tx
      .select({ id: knowledgeVersions.id, status: knowledgeVersions.status })
      .from(knowledgeVersions)
      .where(and(eq(knowledgeVersions.knowledgeBaseId, base.id), eq(knowledgeVersions.number, key.number)));
    if (!target) return undefined;
    if (target.status === 'published') throw new KefuError('already_published', `version ${key.number} is the published version`);
    if (target.status === 'draft') throw new KefuError('not_published_yet', `version ${key.number} is the draft; publish it instead`);
    const number = await nextNumber(tx, base.id);
    const [copy] = await tx
      .insert(knowledgeVersions)
      .values({
        workspaceId: key.workspaceId,
        knowledgeBaseId: base.id,
        number,
        status: 'archived',
        basedOnVersionId: target.id,
        createdBy: actor.operatorId ?? null,
      })
      .returning({ id: knowledgeVersions.id });
    if (!copy) throw new KefuError('version_not_created', 'the rollback version could not be created');
    await copyEntries(tx, target.id, copy.id);
    await makePublished(tx, base, copy.id, actor);
    return { knowledgeBaseId: base.id, versionId: copy.id, number, entries: await countEntries(tx, copy.id) };
  });
}

/** Every version of the base, newest first, with entry counts; empty when there is no such base. */
export async function listVersions(db: Database, key: KnowledgeBaseKey): Promise<VersionSummary[]> {
  const rows = await db
    .select({
      id: knowledgeVersions.id,
      number: knowledgeVersions.number,
      status: knowledgeVersions.status,
      entries: count(knowledgeEntries.id),
      basedOnVersionId: knowledgeVersions.basedOnVersionId,
      createdBy: knowledgeVersions.createdBy,
      publishedBy: knowledgeVersions.publishedBy,
      createdAt: knowledgeVersions.createdAt,
      updatedAt: knowledgeVersions.updatedAt,
      publishedAt: knowledgeVersions.publishedAt,
    })
    .from(knowledgeVersions)
    .leftJoin(knowledgeEntries, eq(knowledgeEntries.versionId, knowledgeVersions.id))
    .where(and(eq(knowledgeVersions.workspaceId, key.workspaceId), eq(knowledgeVersions.knowledgeBaseId, key.knowledgeBaseId)))
    .groupBy(knowledgeVersions.id)
    .orderBy(desc(knowledgeVersions.number));
  const numbers = new Map(rows.map((row) => [row.id, row.number]));
  return rows.map((row) => ({
    ...row,
    basedOnVersionNumber: row.basedOnVersionId ? (numbers.get(row.basedOnVersionId) ?? null) : null,
  }));
}

/** The id, number and status of the selected version of a base; undefined when absent. */
export async function resolveVersion(
  db: Database,
  key: KnowledgeBaseKey,
  selector: VersionSelector,
): Promise<{ id: string; number: number; status: VersionStatus } | undefined> {
  const which =
    selector === 'published' || selector === 'draft' ? eq(knowledgeVersions.status, selector) : eq(knowledgeVersions.number, selector);
  const [row] = await db
    .select({ id: knowledgeVersions.id, number: knowledgeVersions.number, status: knowledgeVersions.status })
    .from(knowledgeVersions)
    .where(and(eq(knowledgeVersions.workspaceId, key.workspaceId), eq(knowledgeVersions.knowledgeBaseId, key.knowledgeBaseId), which))
    .orderBy(asc(knowledgeVersions.number))
    .limit(1);
  return row;
}
