/**
 * Importing a file's entries into a knowledge base: the draft (opened from the published version
 * when none is open) is made equal to the file, touching only what changed. Entries are matched by
 * id and compared by content hash: new ids are added, changed ones rewritten, missing ones removed,
 * and unchanged rows are left exactly as they are (row, content hash, embedding), so the index and
 * an embedding store skip them. Everything, including an optional publish, is one transaction: a
 * failed import leaves no trace.
 */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { KefuError } from '../bot/errors.ts';
import type { Database } from '../bot/storage/database.ts';
import { knowledgeEntries, knowledgeVersions } from '../bot/storage/schema.ts';
import { contentHashOf } from './content-hash.ts';
import { entryRowOf } from './entry-rows.ts';
import { lockKnowledgeBase, type KnowledgeBaseKey, type LockedKnowledgeBase } from './knowledge-bases.ts';
import { openDraftLocked, publishDraftLocked, type Actor, type PublishedVersion } from './knowledge-versions.ts';
import type { KnowledgeEntry } from './types.ts';

/** An entry to import, with where it was read from. */
export type ImportedEntry = KnowledgeEntry & { line?: number };

/** How an import changed the draft, counted in entries. */
export interface ImportDiff {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

/** An entry the diff names: its key and question (a chunk's heading path; may be empty). */
export interface DiffedEntry {
  key: string;
  question: string;
}

/** Which entries an import added, changed and removed, in file order (removed: stored order). */
export interface ImportDiffDetail {
  added: DiffedEntry[];
  changed: DiffedEntry[];
  removed: DiffedEntry[];
}

/**
 * What the diff was taken against: the open draft the import replaced, or the published version
 * a new draft was copied from; null when the base had neither (every entry is added).
 */
export type ImportBasis = { status: 'draft' | 'published'; number: number } | null;

/** The outcome of an import. */
export interface ImportResult {
  knowledgeBaseId: string;
  /** The draft the file was written into (published when `published` is set). */
  draft: { id: string; number: number; created: boolean };
  diff: ImportDiff;
  /** The entries behind the `diff` counts. */
  diffDetail: ImportDiffDetail;
  basis: ImportBasis;
  published?: PublishedVersion;
}

/** A stored row as the diff sees it. */
export interface StoredEntryHash {
  rowId: string;
  entryKey: string;
  contentHash: string;
  question: string;
}

/** What to write to make `stored` equal to `incoming`. */
export interface EntryChanges {
  insert: ImportedEntry[];
  deleteRowIds: string[];
  diff: ImportDiff;
  entries: ImportDiffDetail;
}

/** Rows per statement: well under PostgreSQL's 65,535 bind parameters. */
const BATCH = 500;

/** Compare stored rows with incoming entries by id and content hash. */
export function diffEntries(stored: readonly StoredEntryHash[], incoming: readonly ImportedEntry[]): EntryChanges {
  const storedByKey = new Map(stored.map((row) => [row.entryKey, row]));
  const incomingKeys = new Set<string>();
  const changes: EntryChanges = {
    insert: [],
    deleteRowIds: [],
    diff: { added: 0, changed: 0, removed: 0, unchanged: 0 },
    entries: { added: [], changed: [], removed: [] },
  };
  for (const entry of incoming) {
    if (incomingKeys.has(entry.id)) throw new KefuError('duplicate_entry_key', `entry id "${entry.id}" appears twice`);
    incomingKeys.add(entry.id);
    const row = storedByKey.get(entry.id);
    if (!row) {
      changes.insert.push(entry);
      changes.diff.added++;
      changes.entries.added.push({ key: entry.id, question: entry.question });
    } else if (row.contentHash !== contentHashOf(entry)) {
      changes.insert.push(entry);
      changes.deleteRowIds.push(row.rowId);
      changes.diff.changed++;
      changes.entries.changed.push({ key: entry.id, question: entry.question });
    } else {
      changes.diff.unchanged++;
    }
  }
  for (const row of stored) {
    if (!incomingKeys.has(row.entryKey)) {
      changes.deleteRowIds.push(row.rowId);
      changes.diff.removed++;
      changes.entries.removed.push({ key: row.entryKey, question: row.question });
    }
  }
  return changes;
}

/** What a draft just opened (or found open) holds before the import writes into it. */
async function basisOf(tx: Database, base: LockedKnowledgeBase, draft: { number: number; created: boolean }): Promise<ImportBasis> {
  if (!draft.created) return { status: 'draft', number: draft.number };
  if (!base.publishedVersionId) return null;
  const [published] = await tx
    .select({ number: knowledgeVersions.number })
    .from(knowledgeVersions)
    .where(eq(knowledgeVersions.id, base.publishedVersionId));
  return published ? { status: 'published', number: published.number } : null;
}

/**
 * Write `entries` into the draft of a locked base (opening it when needed), and publish it when
 * asked. Call inside a transaction holding the base's lock.
 */
export async function importEntriesLocked(
  tx: Database,
  key: KnowledgeBaseKey,
  base: LockedKnowledgeBase,
  entries: readonly ImportedEntry[],
  options: Actor & { publish?: boolean } = {},
): Promise<ImportResult> {
  const draft = await openDraftLocked(tx, key, base, options);
  const basis = await basisOf(tx, base, draft);
  const stored = await tx
    .select({
      rowId: knowledgeEntries.id,
      entryKey: knowledgeEntries.entryKey,
      contentHash: knowledgeEntries.contentHash,
      question: knowledgeEntries.question,
    })
    .from(knowledgeEntries)
    .where(eq(knowledgeEntries.versionId, draft.id))
    .orderBy(asc(sql`${knowledgeEntries.entryKey} collate "C"`));
  const changes = diffEntries(stored, entries);
  for (let start = 0; start < changes.deleteRowIds.length; start += BATCH) {
    await tx.delete(knowledgeEntries).where(inArray(knowledgeEntries.id, changes.deleteRowIds.slice(start, start + BATCH)));
  }
  for (let start = 0; start < changes.insert.length; start += BATCH) {
    await tx.insert(knowledgeEntries).values(
      changes.insert
        .slice(start, start + BATCH)
        .map((entry) => entryRowOf(entry, { workspaceId: key.workspaceId, knowledgeBaseId: base.id, versionId: draft.id })),
    );
  }
  await tx.update(knowledgeVersions).set({ updatedAt: new Date() }).where(eq(knowledgeVersions.id, draft.id));
  const result: ImportResult = { knowledgeBaseId: base.id, draft, diff: changes.diff, diffDetail: changes.entries, basis };
  if (options.publish) result.published = await publishDraftLocked(tx, key, base, options);
  return result;
}

/**
 * Import `entries` into the base's draft (and publish it when `publish`); undefined when the
 * workspace has no such base. An open draft's content is replaced by the file's: the diff counts
 * what that replacement changed. Throws `KefuError('duplicate_entry_key')` before writing.
 */
export async function importEntries(
  db: Database,
  key: KnowledgeBaseKey,
  entries: readonly ImportedEntry[],
  options: Actor & { publish?: boolean } = {},
): Promise<ImportResult | undefined> {
  return db.transaction(async (tx) => {
    const base = await lockKnowledgeBase(tx, key);
    return base ? importEntriesLocked(tx, key, base, entries, options) : undefined;
  });
}
