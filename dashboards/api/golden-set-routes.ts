/**
 * Golden-set routes of a knowledge base: read and replace the set (JSON rows, or a TSV file with
 * the `query` and `gold_ids` columns of the `kefu eval retrieval` format), run it against the
 * published version on demand, and list the runs (every publish runs it too). A run shows hit@1,
 * hit@5, MRR@10 and every miss with the entries retrieved instead. A run on the draft, before it
 * is published, also shows what it would change against the published version; it is not stored.
 */
import type { Router } from '@koa/router';
import { z } from 'zod';
import { MalformedRequestError } from '../../bot/errors.ts';
import { FaqTableError } from '../../knowledge/import/faq-table.ts';
import { parseRetrievalQueries } from '../../knowledge/eval/run-eval-retrieval.ts';
import { runGoldenSetOnDraft } from '../../knowledge/draft-golden-run.ts';
import { getGoldenSet, listGoldenRuns, replaceGoldenSet, runGoldenSet, type GoldenRow } from '../../knowledge/golden-sets.ts';
import { loadVersionEntries, NoDraftError } from '../../knowledge/knowledge-entries.ts';
import { currentOperator, type DashboardContext, type DashboardState } from './auth.ts';
import { DashboardError, notFound } from './http-errors.ts';
import { requireKnowledgeBase, requireKnowledgeEditor, type KnowledgeRouteDependencies } from './knowledge-route-support.ts';
import { readRawBody, readValidBody, validate } from './request-body.ts';

/** Most rows a golden set may hold. */
export const maximumGoldenRows = 2000;
const goldenBodyLimitBytes = 2 * 1024 * 1024;

const goldenRowSchema = z.strictObject({
  query: z.string().trim().min(1).max(500),
  expectedKeys: z.array(z.string().trim().min(1).max(200)).min(1).max(20),
});
const goldenSetSchema = z.strictObject({ rows: z.array(goldenRowSchema).max(maximumGoldenRows) });
const emptyGoldenSet = () => new DashboardError(409, 'empty_golden_set', 'the knowledge base has no golden set (PUT /golden-set first)');
const runsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** Rows of a TSV golden file; rows without a query or gold id are reported, not stored. */
async function readGoldenTsv(ctx: DashboardContext): Promise<{ rows: GoldenRow[]; problems: Array<{ line: number; reason: string }> }> {
  const bytes = await readRawBody(ctx, { limitBytes: goldenBodyLimitBytes });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new DashboardError(400, 'bad_golden_set', 'the golden set is not UTF-8 text', { cause: error });
  }
  const problems: Array<{ line: number; reason: string }> = [];
  try {
    const queries = parseRetrievalQueries(text, (line, reason) => problems.push({ line, reason }));
    const rows = queries.map((query) => ({ query: query.query, expectedKeys: query.goldIds }));
    return { rows: validate(goldenSetSchema, { rows }, 'body').rows, problems };
  } catch (error) {
    if (error instanceof FaqTableError) throw new DashboardError(400, 'bad_golden_set', error.message, { cause: error });
    throw error;
  }
}

/** Register the golden-set and golden-run routes on `router`. */
export function registerGoldenSetRoutes(router: Router<DashboardState>, deps: KnowledgeRouteDependencies): void {
  const { db, authenticate } = deps;
  const editor = requireKnowledgeEditor();

  router.get('/knowledge-bases/:id/golden-set', authenticate, async function getBaseGoldenSet(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    ctx.body = { rows: await getGoldenSet(db, key) };
  });

  router.put('/knowledge-bases/:id/golden-set', authenticate, editor, async function replaceBaseGoldenSet(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    let rows: GoldenRow[];
    let problems: Array<{ line: number; reason: string }> = [];
    if (ctx.is('application/json')) rows = (await readValidBody(ctx, goldenSetSchema)).rows;
    else if (ctx.is('text/tab-separated-values', 'text/plain')) ({ rows, problems } = await readGoldenTsv(ctx));
    else throw new MalformedRequestError('send the golden set as application/json or text/tab-separated-values');
    if (!(await replaceGoldenSet(db, key, rows))) throw notFound('knowledge base');
    // Keys no published entry has: likely typos, or entries still to be written. Stored anyway.
    const published = key.base.published;
    const known = new Set(published ? (await loadVersionEntries(db, { ...key, versionId: published.id })).map((entry) => entry.id) : []);
    const unknownKeys = [...new Set(rows.flatMap((row) => row.expectedKeys))].filter((entryKey) => !known.has(entryKey));
    ctx.body = { rows: rows.length, problems, unknownKeys };
  });

  router.post('/knowledge-bases/:id/golden-runs', authenticate, editor, async function runBaseGoldenSet(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    const published = key.base.published;
    if (!published) throw new DashboardError(409, 'nothing_published', 'the knowledge base has no published version to evaluate');
    const run = await runGoldenSet(db, { ...key, versionId: published.id, trigger: 'manual', operatorId: currentOperator(ctx).id });
    if (!run) throw emptyGoldenSet();
    ctx.status = 201;
    ctx.body = { run };
  });

  // Not stored, so 200: the draft's figures and misses, and its regressions and fixes against
  // the published version, as the publish would show them afterwards.
  router.post('/knowledge-bases/:id/draft/golden-run', authenticate, editor, async function runDraftGoldenSet(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    let run;
    try {
      run = await runGoldenSetOnDraft(db, key);
    } catch (error) {
      if (error instanceof NoDraftError) {
        throw new DashboardError(409, 'no_draft', 'the knowledge base has no open draft to evaluate (POST /draft opens one)', { cause: error });
      }
      throw error;
    }
    if (!run) throw emptyGoldenSet();
    ctx.body = run;
  });

  router.get('/knowledge-bases/:id/golden-runs', authenticate, async function listBaseGoldenRuns(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    const { limit } = validate(runsQuerySchema, ctx.query, 'query');
    ctx.body = { runs: await listGoldenRuns(db, { ...key, limit }) };
  });
}
