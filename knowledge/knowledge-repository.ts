/**
 * Knowledge bases in the database as the retriever and the one-step import see them: the
 * retriever loads a workspace's published entries and its lexicon (`lexicon/workspace-lexicons.ts`)
 * from here, under one stamp that changes with either, and `publishEntries` imports a table
 * and publishes it in one transaction (customers are never answered from a half-written base).
 * Drafts, versions, entries and imports live in `knowledge-versions.ts`, `knowledge-entries.ts`
 * and `knowledge-import.ts`.
 */
import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import { KefuError } from '../bot/errors.ts';
import type { Database } from '../bot/storage/database.ts';
import { knowledgeBases, knowledgeEntries } from '../bot/storage/schema.ts';
import { contentHashOf } from './content-hash.ts';
import { lockKnowledgeBaseByName } from './knowledge-bases.ts';
import { importEntriesLocked, type ImportBasis, type ImportDiff, type ImportDiffDetail, type ImportedEntry } from './knowledge-import.ts';
import type { PublishedVersion } from './knowledge-versions.ts';
import { entryOfRow } from './entry-rows.ts';
import { analyzerLexicon, getLexicon, lexiconRevision } from './lexicon/workspace-lexicons.ts';
import type { Lexicon } from './text/tokenizer.ts';
import type { KnowledgeEntry } from './types.ts';

/** An entry as loaded from a published version. */
export interface StoredKnowledgeEntry extends KnowledgeEntry {
  knowledgeBaseId: string;
  /** Changes exactly when the entry's indexed content changes. */
  contentHash: string;
}

/** Where a retriever reads a workspace's published knowledge. */
export interface KnowledgeSource {
  /** A value that changes whenever the workspace's published knowledge or its lexicon changes. */
  publishedStamp(workspaceId: string): Promise<string>;
  /** Entries of every published knowledge base of the workspace; ids are unique. */
  loadPublishedEntries(workspaceId: string): Promise<StoredKnowledgeEntry[]>;
  /** The workspace's words and synonyms for its analyzer; absent = the built-in lexicon only. */
  loadLexicon?(workspaceId: string): Promise<Lexicon>;
}

export type { PublishedVersion };

/** A version published by an import, and what the import changed against what it replaced. */
export interface PublishedImport extends PublishedVersion {
  diff: ImportDiff;
  diffDetail: ImportDiffDetail;
  /** The open draft the file replaced, or the published version it was compared with; null for a new base. */
  basis: ImportBasis;
}

/** Published knowledge for the retriever, and the one-step import used by the CLI and start-up. */
export interface KnowledgeRepository extends KnowledgeSource {
  /**
   * Make `entries` the content of the workspace's knowledge base called `knowledgeBaseName`
   * (created when missing) and publish it as a new version; the previous published version is
   * archived. It is an import into the draft (touching only changed entries; an open draft's
   * content is replaced) followed by its publication, all or nothing. The workspace row must exist.
   * Returns the version with the import's diff.
   */
  publishEntries(workspaceId: string, knowledgeBaseName: string, entries: ReadonlyArray<ImportedEntry>): Promise<PublishedImport>;
}

export { contentHashOf };

/** The repository over a Drizzle database (PGlite or PostgreSQL). */
export function createKnowledgeRepository(db: Database): KnowledgeRepository {
  return {
    publishEntries: (workspaceId, knowledgeBaseName, entries) =>
      db.transaction(async (tx) => {
        const base = await lockKnowledgeBaseByName(tx, workspaceId, knowledgeBaseName);
        const key = { workspaceId, knowledgeBaseId: base.id };
        const result = await importEntriesLocked(tx, key, base, entries, { publish: true });
        if (!result.published) throw new KefuError('not_published', `knowledge base "${knowledgeBaseName}" was not published`);
        return { ...result.published, diff: result.diff, diffDetail: result.diffDetail, basis: result.basis };
      }),

    publishedStamp: async (workspaceId) => {
      const rows = await db
        .select({ id: knowledgeBases.id, versionId: knowledgeBases.publishedVersionId })
        .from(knowledgeBases)
        .where(and(eq(knowledgeBases.workspaceId, workspaceId), isNotNull(knowledgeBases.publishedVersionId)))
        .orderBy(asc(knowledgeBases.id));
      const stamp = rows.map((row) => `${row.id}:${row.versionId}`).join(',');
      // The lexicon changes how every entry is indexed: a new revision is a new stamp too.
      const revision = await lexiconRevision(db, workspaceId);
      return revision === 0 ? stamp : `${stamp};lexicon:${revision}`;
    },

    loadLexicon: async (workspaceId) => analyzerLexicon(await getLexicon(db, workspaceId)),

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
        entries.push({ ...entryOfRow(row), knowledgeBaseId: row.knowledgeBaseId, contentHash: row.contentHash });
      }
      return entries;
    },
  };
}

