/**
 * Knowledge bases of a workspace: creation, lookup with their published version and draft, and the
 * row lock every change of a base's versions takes first. Every function filters on `workspaceId`;
 * a base of another workspace is indistinguishable from a missing one.
 */
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { KefuError } from '../bot/errors.ts';
import type { Database } from '../bot/storage/database.ts';
import { knowledgeBases, knowledgeEntries, knowledgeVersions } from '../bot/storage/schema.ts';

/** Workspace and knowledge-base id: the key of every base-scoped call. */
export interface KnowledgeBaseKey {
  workspaceId: string;
  knowledgeBaseId: string;
}

/** A version as a knowledge-base listing shows it. */
export interface VersionHeadline {
  id: string;
  number: number;
  entries: number;
  updatedAt: Date;
  publishedAt: Date | null;
}

/** A knowledge base with its published version and its draft (either may be absent). */
export interface KnowledgeBaseSummary {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  published: VersionHeadline | null;
  draft: (VersionHeadline & { basedOnVersionId: string | null }) | null;
}

/** The locked row of a base: what a change needs to know before writing. */
export interface LockedKnowledgeBase {
  id: string;
  publishedVersionId: string | null;
}

/**
 * Lock the base's row until the transaction ends; undefined when the workspace has no such base.
 * Every change of a base's versions (draft edits, publish, rollback, import) takes this lock
 * first, so they apply one at a time and an edit never lands in a draft being published.
 */
export async function lockKnowledgeBase(tx: Database, key: KnowledgeBaseKey): Promise<LockedKnowledgeBase | undefined> {
  const [row] = await tx
    .select({ id: knowledgeBases.id, publishedVersionId: knowledgeBases.publishedVersionId })
    .from(knowledgeBases)
    .where(and(eq(knowledgeBases.workspaceId, key.workspaceId), eq(knowledgeBases.id, key.knowledgeBaseId)))
    .for('update');
  return row;
}

/**
 * Find the workspace's base called `name`, creating it when missing, and lock it. Safe against a
 * concurrent creator: the unique index on (workspace, name) makes the second insert a no-op.
 */
export async function lockKnowledgeBaseByName(tx: Database, workspaceId: string, name: string): Promise<LockedKnowledgeBase> {
  await tx.insert(knowledgeBases).values({ workspaceId, name }).onConflictDoNothing();
  const [row] = await tx
    .select({ id: knowledgeBases.id, publishedVersionId: knowledgeBases.publishedVersionId })
    .from(knowledgeBases)
    .where(and(eq(knowledgeBases.workspaceId, workspaceId), eq(knowledgeBases.name, name)))
    .for('update');
  if (!row) throw new KefuError('knowledge_base_missing', `knowledge base "${name}" could not be created`);
  return row;
}

/** Create an empty base; throws `KefuError('name_taken')` when the workspace has one of that name. */
export async function createKnowledgeBase(db: Database, input: { workspaceId: string; name: string }): Promise<KnowledgeBaseSummary> {
  const [row] = await db
    .insert(knowledgeBases)
    .values({ workspaceId: input.workspaceId, name: input.name })
    .onConflictDoNothing()
    .returning({ id: knowledgeBases.id, name: knowledgeBases.name, createdAt: knowledgeBases.createdAt, updatedAt: knowledgeBases.updatedAt });
  if (!row) throw new KefuError('name_taken', `a knowledge base called "${input.name}" exists`);
  return { ...row, published: null, draft: null };
}

/** Every base of the workspace, by name, with entry counts of its published version and draft. */
export async function listKnowledgeBases(db: Database, workspaceId: string): Promise<KnowledgeBaseSummary[]> {
  const bases = await db
    .select({ id: knowledgeBases.id, name: knowledgeBases.name, createdAt: knowledgeBases.createdAt, updatedAt: knowledgeBases.updatedAt })
    .from(knowledgeBases)
    .where(eq(knowledgeBases.workspaceId, workspaceId))
    .orderBy(asc(knowledgeBases.name));
  return summarize(db, workspaceId, bases);
}

/** One base of the workspace with its published version and draft; undefined when absent. */
export async function findKnowledgeBase(db: Database, key: KnowledgeBaseKey): Promise<KnowledgeBaseSummary | undefined> {
  const bases = await db
    .select({ id: knowledgeBases.id, name: knowledgeBases.name, createdAt: knowledgeBases.createdAt, updatedAt: knowledgeBases.updatedAt })
    .from(knowledgeBases)
    .where(and(eq(knowledgeBases.workspaceId, key.workspaceId), eq(knowledgeBases.id, key.knowledgeBaseId)));
  return (await summarize(db, key.workspaceId, bases))[0];
}

async function summarize(
  db: Database,
  workspaceId: string,
  bases: Array<Omit<KnowledgeBaseSummary, 'published' | 'draft'>>,
): Promise<KnowledgeBaseSummary[]> {
  if (bases.length === 0) return [];
  const versions = await db
    .select({
      id: knowledgeVersions.id,
      knowledgeBaseId: knowledgeVersions.knowledgeBaseId,
      number: knowledgeVersions.number,
      status: knowledgeVersions.status,
      basedOnVersionId: knowledgeVersions.basedOnVersionId,
      updatedAt: knowledgeVersions.updatedAt,
      publishedAt: knowledgeVersions.publishedAt,
      entries: count(knowledgeEntries.id),
    })
    .from(knowledgeVersions)
    .leftJoin(knowledgeEntries, eq(knowledgeEntries.versionId, knowledgeVersions.id))
    .where(
      and(
        eq(knowledgeVersions.workspaceId, workspaceId),
        inArray(
          knowledgeVersions.knowledgeBaseId,
          bases.map((base) => base.id),
        ),
        inArray(knowledgeVersions.status, ['published', 'draft']),
      ),
    )
    .groupBy(knowledgeVersions.id);
  return bases.map((base) => {
    const published = versions.find((version) => version.knowledgeBaseId === base.id && version.status === 'published');
    const draft = versions.find((version) => version.knowledgeBaseId === base.id && version.status === 'draft');
    const headline = ({ id, number, entries, updatedAt, publishedAt }: (typeof versions)[number]) => ({ id, number, entries, updatedAt, publishedAt });
    return {
      ...base,
      published: published ? headline(published) : null,
      draft: draft ? { ...headline(draft), basedOnVersionId: draft.basedOnVersionId } : null,
    };
  });
}
