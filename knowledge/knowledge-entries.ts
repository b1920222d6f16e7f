/**
 * Entries of one knowledge-base version: paged reads with a text filter, and the edits an operator
 * makes in the draft (add, update, delete). Edits reach only the draft: customers keep being
 * answered from the published version until the draft is published. An entry is addressed by its
 * key (the FAQ id), which is stable across versions.
 */
import { and, asc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { KefuError } from '../bot/errors.ts';
import type { Database } from '../bot/storage/database.ts';
import { knowledgeEntries, knowledgeVersions } from '../bot/storage/schema.ts';
import { contentHashOf } from './content-hash.ts';
import { entryOfRow, entryRowOf } from './entry-rows.ts';
import { lockKnowledgeBase, type KnowledgeBaseKey } from './knowledge-bases.ts';
import { findDraft } from './knowledge-versions.ts';
import type { KnowledgeEntry } from './types.ts';

/** An entry as operators see it. */
export interface EntryView extends Omit<KnowledgeEntry, 'position'> {
  /** Where in the source file it came from (line, heading path, page); null when typed in. */
  position: Record<string, unknown> | null;
  contentHash: string;
}

/** The fields of an entry an operator may change; `category: null` clears it. */
export type EntryPatch = Partial<Pick<KnowledgeEntry, 'kind' | 'question' | 'variants' | 'answer'>> & { category?: string | null };

const entryColumns = {
  entryKey: knowledgeEntries.entryKey,
  kind: knowledgeEntries.kind,
  question: knowledgeEntries.question,
  variants: knowledgeEntries.variants,
  answer: knowledgeEntries.answer,
  category: knowledgeEntries.category,
  sourceName: knowledgeEntries.sourceName,
  position: knowledgeEntries.position,
  contentHash: knowledgeEntries.contentHash,
};

type EntryRow = Pick<typeof knowledgeEntries.$inferSelect, keyof typeof entryColumns>;

function toView(row: EntryRow): EntryView {
  const { position: _parsed, ...entry } = entryOfRow(row);
  return { ...entry, position: row.position, contentHash: row.contentHash };
}

/** Escape `%`, `_` and `\` for a LIKE pattern. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

/**
 * A page of a version's entries ordered by key, optionally filtered by `search` (a substring of the
 * key, question, variants, answer or category; case-insensitive). `afterKey` is the last key of
 * the previous page.
 */
export async function listEntries(
  db: Database,
  query: KnowledgeBaseKey & { versionId: string; limit: number; search?: string; afterKey?: string },
): Promise<{ items: EntryView[]; nextKey?: string }> {
  const conditions: Array<SQL | undefined> = [
    eq(knowledgeEntries.workspaceId, query.workspaceId),
    eq(knowledgeEntries.knowledgeBaseId, query.knowledgeBaseId),
    eq(knowledgeEntries.versionId, query.versionId),
  ];
  // Compare and order in byte order ("C"): the same in PGlite and PostgreSQL whatever the
  // database's collation, and the same for the cursor as for the order, so no row is skipped.
  if (query.afterKey !== undefined) conditions.push(sql`${knowledgeEntries.entryKey} collate "C" > ${query.afterKey}`);
  if (query.search) {
    const pattern = likePattern(query.search);
    conditions.push(
      or(
        ilike(knowledgeEntries.entryKey, pattern),
        ilike(knowledgeEntries.question, pattern),
        ilike(knowledgeEntries.answer, pattern),
        ilike(knowledgeEntries.category, pattern),
        sql`${knowledgeEntries.variants}::text ilike ${pattern}`,
      ),
    );
  }
  const rows = await db
    .select(entryColumns)
    .from(knowledgeEntries)
    .where(and(...conditions))
    .orderBy(asc(sql`${knowledgeEntries.entryKey} collate "C"`))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map(toView);
  const last = items.at(-1);
  return rows.length > query.limit && last ? { items, nextKey: last.id } : { items };
}

/** Every entry of a version, ordered by key (for evaluation). */
export async function loadVersionEntries(db: Database, key: KnowledgeBaseKey & { versionId: string }): Promise<EntryView[]> {
  const rows = await db
    .select(entryColumns)
    .from(knowledgeEntries)
    .where(
      and(
        eq(knowledgeEntries.workspaceId, key.workspaceId),
        eq(knowledgeEntries.knowledgeBaseId, key.knowledgeBaseId),
        eq(knowledgeEntries.versionId, key.versionId),
      ),
    )
    .orderBy(asc(sql`${knowledgeEntries.entryKey} collate "C"`));
  return rows.map(toView);
}

/** The base has no draft to edit (or is not in the workspace): open one first. */
export class NoDraftError extends KefuError {
  constructor() {
    super('no_draft', 'the knowledge base has no open draft');
  }
}

/** Run `change` on the base's draft under the base's lock; throws `NoDraftError` without one. */
async function inDraft<Result>(db: Database, key: KnowledgeBaseKey, change: (tx: Database, draftId: string) => Promise<Result>): Promise<Result> {
  return db.transaction(async (tx) => {
    const draft = (await lockKnowledgeBase(tx, key)) && (await findDraft(tx, key));
    if (!draft) throw new NoDraftError();
    const result = await change(tx, draft.id);
    await tx.update(knowledgeVersions).set({ updatedAt: new Date() }).where(eq(knowledgeVersions.id, draft.id));
    return result;
  });
}

const inVersion = (versionId: string, entryKey: string) =>
  and(eq(knowledgeEntries.versionId, versionId), eq(knowledgeEntries.entryKey, entryKey));

/** Add an entry to the draft; throws `KefuError('entry_exists')` when the key is taken, `NoDraftError` without a draft. */
export async function addDraftEntry(db: Database, key: KnowledgeBaseKey, entry: KnowledgeEntry): Promise<EntryView> {
  return inDraft(db, key, async (tx, draftId) => {
    const [row] = await tx
      .insert(knowledgeEntries)
      .values(entryRowOf(entry, { workspaceId: key.workspaceId, knowledgeBaseId: key.knowledgeBaseId, versionId: draftId }))
      .onConflictDoNothing()
      .returning(entryColumns);
    if (!row) throw new KefuError('entry_exists', `the draft already has an entry "${entry.id}"`);
    return toView(row);
  });
}

/** Change a draft entry; undefined when the draft has no such key, `NoDraftError` without a draft. */
export async function updateDraftEntry(
  db: Database,
  key: KnowledgeBaseKey & { entryKey: string },
  patch: EntryPatch,
): Promise<EntryView | undefined> {
  return inDraft(db, key, async (tx, draftId) => {
    const [current] = await tx.select(entryColumns).from(knowledgeEntries).where(inVersion(draftId, key.entryKey));
    if (!current) return undefined;
    const { category, ...rest } = patch;
    const merged = { ...toView(current), ...rest };
    if (category !== undefined) merged.category = category ?? undefined;
    // The embedding belongs to the old content; a changed hash makes the next indexer recompute it.
    const contentHash = contentHashOf(merged);
    const [row] = await tx
      .update(knowledgeEntries)
      .set({
        kind: merged.kind,
        question: merged.question,
        variants: merged.variants,
        answer: merged.answer,
        category: merged.category ?? null,
        contentHash,
        ...(contentHash === current.contentHash ? {} : { embedding: null }),
      })
      .where(inVersion(draftId, key.entryKey))
      .returning(entryColumns);
    return row && toView(row);
  });
}

/** Delete a draft entry; false when the draft has no such key, `NoDraftError` without a draft. */
export async function deleteDraftEntry(db: Database, key: KnowledgeBaseKey & { entryKey: string }): Promise<boolean> {
  return inDraft(db, key, async (tx, draftId) => {
    const rows = await tx.delete(knowledgeEntries).where(inVersion(draftId, key.entryKey)).returning({ id: knowledgeEntries.id });
    return rows.length > 0;
  });
}
