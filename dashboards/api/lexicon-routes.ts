/**
 * The workspace lexicon: its own words (product and store names) and synonyms (variant →
 * canonical word) that retrieval analyzes knowledge and customer messages with. Everyone reads;
 * admins and operators replace it as a whole (`PUT`, like a golden set). A change reaches
 * customers at once: unlike knowledge entries it has no draft. This process's retriever rebuilds
 * the workspace's index right after the commit; other processes at their next stamp check. Then
 * the golden set of every published base runs again (trigger `lexicon`), as after a publish, so
 * the dashboard's latest run shows what the new words and synonyms did.
 */
import type { Router } from '@koa/router';
import { z } from 'zod';
import { LexiconError } from '../../knowledge/lexicon/lexicon-rules.ts';
import { getLexicon, LexiconChangedError, replaceLexicon, type StoredLexicon } from '../../knowledge/lexicon/workspace-lexicons.ts';
import { currentOperator, type DashboardState } from './auth.ts';
import { DashboardError } from './http-errors.ts';
import { afterLexiconChange, requireKnowledgeEditor, type KnowledgeRouteDependencies } from './knowledge-route-support.ts';
import { readValidBody } from './request-body.ts';

/** A lexicon of thousands of words is larger than the default 64 KB body. */
const lexiconBodyLimitBytes = 1024 * 1024;

// Shapes only: what the items may hold is `checkLexicon`'s, whose errors name the item itself.
const lexiconSchema = z.strictObject({
  words: z.array(z.string()).default([]),
  synonyms: z.record(z.string(), z.string()).default({}),
  /** The revision the change was made on; when given, a newer stored one answers 409. */
  revision: z.number().int().min(0).optional(),
});

const lexiconView = ({ words, synonyms, revision, updatedBy, updatedAt }: StoredLexicon) => ({ words, synonyms, revision, updatedBy, updatedAt });

/** Register `GET` and `PUT /lexicon` on `router`. */
export function registerLexiconRoutes(router: Router<DashboardState>, deps: KnowledgeRouteDependencies): void {
  const { db, authenticate } = deps;

  router.get('/lexicon', authenticate, async function getWorkspaceLexicon(ctx) {
    ctx.body = { lexicon: lexiconView(await getLexicon(db, currentOperator(ctx).workspaceId)) };
  });

  router.put('/lexicon', authenticate, requireKnowledgeEditor(), async function replaceWorkspaceLexicon(ctx) {
    const operator = currentOperator(ctx);
    const { revision, ...lexicon } = await readValidBody(ctx, lexiconSchema, { limitBytes: lexiconBodyLimitBytes });
    let stored: StoredLexicon;
    try {
      stored = await replaceLexicon(db, operator.workspaceId, lexicon, { operatorId: operator.id, expectedRevision: revision });
    } catch (error) {
      if (error instanceof LexiconError) throw new DashboardError(400, error.code, error.message, { field: error.item, cause: error });
      if (error instanceof LexiconChangedError) throw new DashboardError(409, error.code, error.message, { field: 'revision', cause: error });
      throw error;
    }
    const goldenRuns = await afterLexiconChange(ctx, deps, operator.workspaceId);
    ctx.body = { lexicon: lexiconView(stored), goldenRuns };
  });
}
