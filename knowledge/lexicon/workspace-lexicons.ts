/**
 * Workspace lexicons in the database (`workspace_lexicons`, one row per workspace): read, replace
 * as a whole, and the form the retriever's analyzer takes. Every function filters on
 * `workspaceId`. A replace increments `revision`; the knowledge repository puts the revision into
 * its published stamp, so every process's retriever rebuilds the workspace's index with the new
 * lexicon the way it picks up a publish.
 */
import { eq, sql } from 'drizzle-orm';
import { KefuError } from '../../bot/errors.ts';
import type { Database } from '../../bot/storage/database.ts';
import { workspaceLexicons } from '../../bot/storage/schema.ts';
import type { Lexicon } from '../text/tokenizer.ts';
import { checkLexicon, type WorkspaceLexicon } from './lexicon-rules.ts';

/** A stored lexicon; a workspace that never had one reads as empty with revision 0. */
export interface StoredLexicon extends WorkspaceLexicon {
  revision: number;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** The revision a replace expected is no longer the stored one: someone else changed the lexicon. */
export class LexiconChangedError extends KefuError {
  constructor(expected: number, actual: number) {
    super('lexicon_changed', `the lexicon is at revision ${actual}, not ${expected}; read it again and reapply the change`);
  }
}

const emptyLexicon = (): StoredLexicon => ({ words: [], synonyms: {}, revision: 0, updatedBy: null, updatedAt: null });

/** The workspace's lexicon (empty, revision 0, when none was ever stored). */
export async function getLexicon(db: Database, workspaceId: string): Promise<StoredLexicon> {
  const [row] = await db.select().from(workspaceLexicons).where(eq(workspaceLexicons.workspaceId, workspaceId));
  if (!row) return emptyLexicon();
  return {
    words: row.words,
    synonyms: Object.fromEntries(row.synonyms.map((synonym) => [synonym.variant, synonym.canonical])),
    revision: row.revision,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
  };
}

/** The workspace's lexicon revision: 0 until the first replace. Cheap; read on every stamp check. */
export async function lexiconRevision(db: Database, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ revision: workspaceLexicons.revision })
    .from(workspaceLexicons)
    .where(eq(workspaceLexicons.workspaceId, workspaceId));
  return row?.revision ?? 0;
}

/**
 * Replace the workspace's lexicon after `checkLexicon` (throws `LexiconError` naming a bad item).
 * With `expectedRevision`, throws `LexiconChangedError` unless the stored revision is that one.
 * Words and variants are stored as written (trimmed); the analyzer normalises them. The workspace
 * row must exist.
 */
export async function replaceLexicon(
  db: Database,
  workspaceId: string,
  lexicon: WorkspaceLexicon,
  options: { operatorId?: string | null; expectedRevision?: number } = {},
): Promise<StoredLexicon> {
  const words = lexicon.words.map((word) => word.trim());
  const synonyms = Object.entries(lexicon.synonyms).map(([variant, canonical]) => ({ variant: variant.trim(), canonical: canonical.trim() }));
  checkLexicon(lexicon);
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ revision: workspaceLexicons.revision })
      .from(workspaceLexicons)
      .where(eq(workspaceLexicons.workspaceId, workspaceId))
      .for('update');
    const revision = current?.revision ?? 0;
    if (options.expectedRevision !== undefined && options.expectedRevision !== revision) {
      throw new LexiconChangedError(options.expectedRevision, revision);
    }
    const values = { words, synonyms, updatedBy: options.operatorId ?? null, updatedAt: new Date() };
    // Two first writes race past the lock (no row to lock yet): the upsert makes the second one
    // the next revision instead of failing on the key.
    await tx
      .insert(workspaceLexicons)
      .values({ workspaceId, ...values, revision: revision + 1 })
      .onConflictDoUpdate({ target: workspaceLexicons.workspaceId, set: { ...values, revision: sql`${workspaceLexicons.revision} + 1` } });
    return getLexicon(tx, workspaceId);
  });
}

/**
 * The lexicon as the analyzer takes it. Canonical words are protected words too: a customer's
 * variant becomes the canonical word as one term, and the entries' text must yield that same term
 * rather than jieba's pieces of it (杨枝甘露 → 杨枝, 甘露).
 */
export function analyzerLexicon(lexicon: WorkspaceLexicon): Lexicon {
  const canonicals = Object.values(lexicon.synonyms);
  return { words: [...new Set([...lexicon.words, ...canonicals])], synonyms: { ...lexicon.synonyms } };
}
