/**
 * Golden sets kept per knowledge base (customer phrasings and the entry keys that answer them)
 * and their runs: each run evaluates one version and is stored with its figures and misses, so an
 * operator sees how every publish changed retrieval. Runs analyze with the workspace's lexicon, as
 * retrieval for customers does. Every function filters on `workspaceId`.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Database } from '../bot/storage/database.ts';
import { knowledgeGoldenQueries, knowledgeGoldenRuns, knowledgeVersions } from '../bot/storage/schema.ts';
import { runGoldenQueries, type GoldenMiss, type GoldenRunResult } from './eval/golden-run.ts';
import { lockKnowledgeBase, type KnowledgeBaseKey } from './knowledge-bases.ts';
import { loadVersionEntries } from './knowledge-entries.ts';
import { analyzerLexicon, getLexicon } from './lexicon/workspace-lexicons.ts';
import { createStaticRetriever } from './retriever.ts';
import { createTextAnalyzer } from './text/tokenizer.ts';

/** One golden row: a query and the keys of the entries that answer it. */
export interface GoldenRow {
  query: string;
  expectedKeys: string[];
}

/**
 * What started a run: a publish, rollback or publishing import of the base, an operator
 * (`manual`), or a change of the workspace lexicon (`lexicon`: every published base runs again on
 * its published version, since the lexicon changes how all of them are searched).
 */
export type GoldenRunTrigger = 'publish' | 'rollback' | 'import' | 'manual' | 'lexicon';

/** A stored run. */
export interface GoldenRun {
  id: string;
  knowledgeBaseId: string;
  versionId: string;
  versionNumber: number;
  trigger: GoldenRunTrigger;
  operatorId: string | null;
  queries: number;
  'hit@1': number;
  'hit@5': number;
  'mrr@10': number;
  misses: GoldenMiss[];
  createdAt: Date;
}

const BATCH = 500;

const ofBase = (key: KnowledgeBaseKey) =>
  and(eq(knowledgeGoldenQueries.workspaceId, key.workspaceId), eq(knowledgeGoldenQueries.knowledgeBaseId, key.knowledgeBaseId));

/** The base's golden rows in their order (empty when there are none or no such base). */
export async function getGoldenSet(db: Database, key: KnowledgeBaseKey): Promise<GoldenRow[]> {
  return db
    .select({ query: knowledgeGoldenQueries.query, expectedKeys: knowledgeGoldenQueries.expectedKeys })
    .from(knowledgeGoldenQueries)
    .where(ofBase(key))
    .orderBy(asc(knowledgeGoldenQueries.position));
}

/** Replace the base's golden set with `rows` in one transaction; false when there is no such base. */
export async function replaceGoldenSet(db: Database, key: KnowledgeBaseKey, rows: readonly GoldenRow[]): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await lockKnowledgeBase(tx, key))) return false;
    await tx.delete(knowledgeGoldenQueries).where(ofBase(key));
    for (let start = 0; start < rows.length; start += BATCH) {
      await tx.insert(knowledgeGoldenQueries).values(
        rows.slice(start, start + BATCH).map((row, offset) => ({
          workspaceId: key.workspaceId,
          knowledgeBaseId: key.knowledgeBaseId,
          position: start + offset,
          query: row.query,
          expectedKeys: row.expectedKeys,
        })),
      );
    }
    return true;
  });
}

const runColumns = {
  id: knowledgeGoldenRuns.id,
  knowledgeBaseId: knowledgeGoldenRuns.knowledgeBaseId,
  versionId: knowledgeGoldenRuns.versionId,
  versionNumber: knowledgeVersions.number,
  trigger: knowledgeGoldenRuns.trigger,
  operatorId: knowledgeGoldenRuns.operatorId,
  queries: knowledgeGoldenRuns.queries,
  hitAt1: knowledgeGoldenRuns.hitAt1,
  hitAt5: knowledgeGoldenRuns.hitAt5,
  mrrAt10: knowledgeGoldenRuns.mrrAt10,
  misses: knowledgeGoldenRuns.misses,
  createdAt: knowledgeGoldenRuns.createdAt,
};

type RunRow = Omit<typeof knowledgeGoldenRuns.$inferSelect, 'workspaceId'> & { versionNumber: number };

const toRun = ({ hitAt1, hitAt5, mrrAt10, ...row }: RunRow): GoldenRun => ({ ...row, 'hit@1': hitAt1, 'hit@5': hitAt5, 'mrr@10': mrrAt10 });

/** Evaluate golden `rows` against one version of the base (nothing is stored). */
export async function evaluateGoldenRows(
  db: Database,
  version: KnowledgeBaseKey & { versionId: string },
  rows: readonly GoldenRow[],
): Promise<GoldenRunResult> {
  const entries = (await loadVersionEntries(db, version)).map(({ position: _position, ...entry }) => entry);
  // The workspace's lexicon, as customers' messages are analyzed with it.
  const analyzer = createTextAnalyzer(analyzerLexicon(await getLexicon(db, version.workspaceId)));
  return runGoldenQueries(
    entries,
    rows.map((row) => ({ query: row.query, goldIds: row.expectedKeys })),
    { retriever: createStaticRetriever(entries, { analyzer }) },
  );
}

/**
 * Evaluate the base's golden set against one of its versions and store the run; undefined when
 * the golden set is empty (nothing to run).
 */
export async function runGoldenSet(
  db: Database,
  input: KnowledgeBaseKey & { versionId: string; trigger: GoldenRunTrigger; operatorId?: string | null },
): Promise<GoldenRun | undefined> {
  const rows = await getGoldenSet(db, input);
  if (rows.length === 0) return undefined;
  const result = await evaluateGoldenRows(db, input, rows);
  const [stored] = await db
    .insert(knowledgeGoldenRuns)
    .values({
      workspaceId: input.workspaceId,
      knowledgeBaseId: input.knowledgeBaseId,
      versionId: input.versionId,
      trigger: input.trigger,
      operatorId: input.operatorId ?? null,
      queries: result.queries,
      hitAt1: result['hit@1'],
      hitAt5: result['hit@5'],
      mrrAt10: result['mrr@10'],
      misses: result.misses,
    })
    .returning({ id: knowledgeGoldenRuns.id });
  return stored && (await listGoldenRuns(db, { ...input, limit: 1, runId: stored.id }))[0];
}

/** The base's runs, newest first (or the one `runId`). */
export async function listGoldenRuns(
  db: Database,
  query: KnowledgeBaseKey & { limit: number; runId?: string },
): Promise<GoldenRun[]> {
  const conditions = [
    eq(knowledgeGoldenRuns.workspaceId, query.workspaceId),
    eq(knowledgeGoldenRuns.knowledgeBaseId, query.knowledgeBaseId),
  ];
  if (query.runId) conditions.push(eq(knowledgeGoldenRuns.id, query.runId));
  const rows = await db
    .select(runColumns)
    .from(knowledgeGoldenRuns)
    .innerJoin(knowledgeVersions, eq(knowledgeVersions.id, knowledgeGoldenRuns.versionId))
    .where(and(...conditions))
    .orderBy(desc(knowledgeGoldenRuns.createdAt), desc(knowledgeGoldenRuns.id))
    .limit(query.limit);
  return rows.map(toRun);
}
