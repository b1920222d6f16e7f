/**
 * A golden-set run on a base's draft before it is published: the draft's figures and misses, the
 * published version's figures on the same rows, and the questions whose hit@1 the draft would
 * change (regressions and fixes). Nothing is stored — the draft changes with every edit, and the
 * publish stores its own run once the draft is what customers get. Filters on `workspaceId`.
 */
import type { Database } from '../bot/storage/database.ts';
import { compareGoldenRuns, type GoldenComparison } from './eval/golden-comparison.ts';
import type { GoldenMiss, GoldenRunResult } from './eval/golden-run.ts';
import { evaluateGoldenRows, getGoldenSet } from './golden-sets.ts';
import { findKnowledgeBase, type KnowledgeBaseKey } from './knowledge-bases.ts';
import { NoDraftError } from './knowledge-entries.ts';

/** One version's figures in a draft run. */
export interface VersionGoldenFigures {
  versionId: string;
  versionNumber: number;
  entries: number;
  'hit@1': number;
  'hit@5': number;
  'mrr@10': number;
  misses: GoldenMiss[];
}

/** A golden-set run on the draft, compared with the published version (null when none is). */
export interface DraftGoldenRun extends GoldenComparison {
  queries: number;
  draft: VersionGoldenFigures;
  published: VersionGoldenFigures | null;
}

const figuresOf = (version: { id: string; number: number }, result: GoldenRunResult): VersionGoldenFigures => ({
  versionId: version.id,
  versionNumber: version.number,
  entries: result.entries,
  'hit@1': result['hit@1'],
  'hit@5': result['hit@5'],
  'mrr@10': result['mrr@10'],
  misses: result.misses,
});

/**
 * Run the base's golden set on its draft and on its published version. Throws `NoDraftError` when
 * no draft is open (or there is no such base); undefined when the golden set is empty. Without a
 * published version there is nothing to compare: `published` is null, no regressions, no fixes.
 */
export async function runGoldenSetOnDraft(db: Database, key: KnowledgeBaseKey): Promise<DraftGoldenRun | undefined> {
  const base = await findKnowledgeBase(db, key);
  if (!base?.draft) throw new NoDraftError();
  const rows = await getGoldenSet(db, key);
  if (rows.length === 0) return undefined;
  const draft = await evaluateGoldenRows(db, { ...key, versionId: base.draft.id }, rows);
  const published = base.published ? await evaluateGoldenRows(db, { ...key, versionId: base.published.id }, rows) : undefined;
  return {
    queries: draft.queries,
    draft: figuresOf(base.draft, draft),
    published: base.published && published ? figuresOf(base.published, published) : null,
    ...(published ? compareGoldenRuns(published, draft) : { regressions: [], fixes: [] }),
  };
}
