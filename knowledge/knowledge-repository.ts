/**
 * Knowledge bases in the database: an import writes a complete new version and publishes it in one
 * transaction (customers are never answered from a half-written base), and the retriever loads a
 * workspace's published entries from here.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, isNotNull, max } from 'drizzle-orm';
import { KefuError } from '../bot/errors.ts';
import type { Database } from '../bot/storage/database.ts';
import { knowledgeBases, knowledgeEntries, knowledgeVersions } from '../bot/storage/schema.ts';
import type { KnowledgeEntry } from './types.ts';

/** An entry as loaded from a published version. */
export interface StoredKnowledgeEntry extends KnowledgeEntry {
  knowledgeBaseId: string;
  /** Changes exactly when the entry's indexed content changes. */
  contentHash: string;
}

/** Where a retriever reads a workspace's published knowledge. */
export interface KnowledgeSource {
  /** A value that changes whenever the workspace's published knowledge changes. */
  publishedStamp(workspaceId: string): Promise<string>;
  /** Entries of every published knowledge base of the workspace; ids are unique. */
  loadPublishedEntries(workspaceId: string): Promise<StoredKnowledgeEntry[]>;
}

export interface PublishedVersion {
  knowledgeBaseId: string;
  versionId: string;
  number: number;
  entries: number;
}

export interface KnowledgeRepository extends KnowledgeSource {
  /**
   * Write `entries` as a new version of the workspace's knowledge base called `knowledgeBaseName`
   * (created when missing) and publish it; the previous published version is archived. All or
   * nothing. The workspace row must exist.
   */
  publishEntries(
    workspaceId: string,
    knowledgeBaseName: string,
    entries: ReadonlyArray<KnowledgeEntry & { line?: number; position?: Record<string, unknown> }>,
  ): Promise<PublishedVersion>;
}

/** Rows per insert statement: well under PostgreSQL's 65,535 bind parameters. */
const INSERT_BATCH = 500;

/** Stable hash of what the index sees of an entry. */
export function contentHashOf(entry: KnowledgeEntry): string {
  const content = [entry.kind, entry.question, entry.variants, entry.answer, entry.category ?? null];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** The repository over a Drizzle database (PGlite or PostgreSQL). */
export function createKnowledgeRepository(db: Database): KnowledgeRepository {
  return {
    publishEntries: async (workspaceId, knowledgeBaseName, entries) => {
      const keys = new Set<string>();
      for (const entry of entries) {
        if (keys.has(entry.id)) throw new KefuError('duplicate_entry_key', `entry id "${entry.id}" appears twice`);
        keys.add(entry.id);
      }
      return db.transaction(async (tx) => {
        const knowledgeBaseId = await lockKnowledgeBase(tx as unknown as Database, workspaceId, knowledgeBaseName);
        const [latest] = await tx
          .select({ number: max(knowledgeVersions.number) })
          .from(knowledgeVersions)
          .where(eq(knowledgeVersions.knowledgeBaseId, knowledgeBaseId));
        const number = (latest?.number ?? 0) + 1;
        const [version] = await tx
          .insert(knowledgeVersions)
          .values({ workspaceId, knowledgeBaseId, number, status: 'draft' })
          .returning({ id: knowledgeVersions.id });
        const versionId = version!.id;
        for (let start = 0; start < entries.length; start += INSERT_BATCH) {
          await tx.insert(knowledgeEntries).values(
            entries.slice(start, start + INSERT_BATCH).map((entry) => ({
              workspaceId,
              knowledgeBaseId,
              versionId,
              entryKey: entry.id,
              kind: entry.kind,
              question: entry.question,
              variants: entry.variants,
              answer: entry.answer,
              category: entry.category ?? null,
              sourceName: entry.sourceName ?? null,
              position:
                entry.line === undefined && entry.position === undefined ? null : { ...entry.position, ...(entry.line === undefined ? {} : { line: entry.line }) },
              contentHash: contentHashOf(entry),
            })),
          );
        }
        await tx
          .update(knowledgeVersions)
          .set({ status: 'archived' })
          .where(and(eq(knowledgeVersions.knowledgeBaseId, knowledgeBaseId), eq(knowledgeVersions.status, 'published')));
        await tx
          .update(knowledgeVersions)
          .set({ status: 'published', publishedAt: new Date() })
          .where(eq(knowledgeVersions.id, versionId));
        await tx
          .update(knowledgeBases)
          .set({ publishedVersionId: versionId, updatedAt: new Date() })
          .where(eq(knowledgeBases.id, knowledgeBaseId));
        return { knowledgeBaseId, versionId, number, entries: entries.length };
      });
    },

    publishedStamp: async (workspaceId) => {
      const rows = await db
        .select({ id: knowledgeBases.id, versionId: knowledgeBases.publishedVersionId })
        .from(knowledgeBases)
        .where(and(eq(knowledgeBases.workspaceId, workspaceId), isNotNull(knowledgeBases.publishedVersionId)))
        .orderBy(asc(knowledgeBases.id));
      return rows.map((row) => `${row.id}:${row.versionId}`).join(',');
    },

    loadPublishedEntries: async (workspaceId) => {
      const bases = await db
        .select({ id: knowledgeBases.id, versionId: knowledgeBases.publishedVersionId })
        .from(knowledgeBases)
        .where(and(eq(knowledgeBases.workspaceId, workspaceId), isNotNull(knowledgeBases.publishedVersionId)))
        .orderBy(asc(knowledgeBases.createdAt), asc(knowledgeBases.id));
      const versionIds = bases.map((base) => base.versionId as string);
      if (versionIds.length === 0) return [];
      const rows = await db
        .select()
        .from(knowledgeEntries)
        .where(and(eq(knowledgeEntries.workspaceId, workspaceId), inArray(knowledgeEntries.versionId, versionIds)));
      const order = new Map(versionIds.map((id, position) => [id, position]));
      rows.sort((a, b) => (order.get(a.versionId) as number) - (order.get(b.versionId) as number));
      // Entry keys are cited to customers, so they must be unique in a workspace: on a clash
      // between two knowledge bases, the base created first keeps the key.
      const seen = new Set<string>();
      const entries: StoredKnowledgeEntry[] = [];
      for (const row of rows) {
        if (seen.has(row.entryKey)) continue;
        seen.add(row.entryKey);
        entries.push({
          id: row.entryKey,
          kind: row.kind,
          question: row.question,
          variants: row.variants,
          answer: row.answer,
          ...(row.category ? { category: row.category } : {}),
          ...(row.sourceName ? { sourceName: row.sourceName } : {}),
          knowledgeBaseId: row.knowledgeBaseId,
          contentHash: row.contentHash,
        });
      }
      return entries;
    },
  };
}

/** Find or create the named knowledge base and lock its row until the transaction ends. */
async function lockKnowledgeBase(tx: Database, workspaceId: string, name: string): Promise<string> {
  const find = () =>
    tx
      .select({ id: knowledgeBases.id })
      .from(knowledgeBases)
      .where(and(eq(knowledgeBases.workspaceId, workspaceId), eq(knowledgeBases.name, name)))
      .orderBy(asc(knowledgeBases.createdAt))
      .limit(1)
      .for('update');
  const [existing] = await find();
  if (existing) return existing.id;
  const [created] = await tx.insert(knowledgeBases).values({ workspaceId, name }).returning({ id: knowledgeBases.id });
  return created!.id;
}
