/**
 * What the knowledge routes share: their dependencies, the base lookup that turns another
 * workspace's id into 404, the roles that may change knowledge, and the steps after a publish or a
 * lexicon change (refresh this process's retriever, then run the golden sets it affects).
 */
import type { Middleware } from 'koa';
import type { Database } from '../../bot/storage/database.ts';
import { runGoldenSet, type GoldenRun, type GoldenRunTrigger } from '../../knowledge/golden-sets.ts';
import { findKnowledgeBase, listKnowledgeBases, type KnowledgeBaseKey, type KnowledgeBaseSummary } from '../../knowledge/knowledge-bases.ts';
import type { PublishedVersion } from '../../knowledge/knowledge-versions.ts';
import { currentOperator, requireRole, type DashboardContext, type DashboardState } from './auth.ts';
import { notFound } from './http-errors.ts';
import { isUuid } from './ids.ts';

/** The part of the knowledge retriever the API needs: apply a publication at once. */
export interface KnowledgeRefresher {
  refresh(workspaceId: string): Promise<void>;
}

/** What the knowledge routes need from the router's composition. */
export interface KnowledgeRouteDependencies {
  db: Database;
  /** `requireOperator` for ordinary routes. */
  authenticate: Middleware<DashboardState>;
  /** The process's retriever, refreshed after every publish; other processes catch up by themselves. */
  retriever?: KnowledgeRefresher;
}

/** Admins and operators change knowledge; staff and viewers read it. */
export const requireKnowledgeEditor = (): Middleware<DashboardState> => requireRole('admin', 'operator');

/** The caller's base named by `:id`, or 404 (also for another workspace's base). */
export async function requireKnowledgeBase(
  ctx: DashboardContext,
  db: Database,
  knowledgeBaseId = '',
): Promise<KnowledgeBaseKey & { base: KnowledgeBaseSummary }> {
  const { workspaceId } = currentOperator(ctx);
  const base = isUuid(knowledgeBaseId) ? await findKnowledgeBase(db, { workspaceId, knowledgeBaseId }) : undefined;
  if (!base) throw notFound('knowledge base');
  return { workspaceId, knowledgeBaseId, base };
}

/** A published version as responses show it. */
export const versionView = (published: PublishedVersion) => ({
  id: published.versionId,
  number: published.number,
  entries: published.entries,
});

/**
 * Apply a committed change (a publish, a lexicon) to this process's retriever at once; other
 * processes see it at their next stamp check. The change has committed, so a failure here is
 * reported on the app's `'error'` event, not answered as an error.
 */
export async function refreshRetriever(ctx: DashboardContext, deps: KnowledgeRouteDependencies, workspaceId: string): Promise<void> {
  try {
    await deps.retriever?.refresh(workspaceId);
  } catch (error) {
    ctx.app.emit('error', error, ctx);
  }
}

/**
 * Run the base's golden set against one version and store the run, after a committed change: a
 * failure is reported on the app's `'error'` event and gives null, like an empty golden set.
 */
async function reportedGoldenRun(
  ctx: DashboardContext,
  deps: KnowledgeRouteDependencies,
  key: KnowledgeBaseKey,
  versionId: string,
  trigger: GoldenRunTrigger,
): Promise<GoldenRun | null> {
  try {
    const run = await runGoldenSet(deps.db, { ...key, versionId, trigger, operatorId: currentOperator(ctx).id });
    return run ?? null;
  } catch (error) {
    ctx.app.emit('error', error, ctx);
    return null;
  }
}

/**
 * After a publish: refresh this process's retriever, then run the base's golden set against the
 * new version. The publish has committed by now, so a failure here is reported, not answered as
 * an error: the response still says what was published (`goldenRun: null`).
 */
export async function afterPublish(
  ctx: DashboardContext,
  deps: KnowledgeRouteDependencies,
  key: KnowledgeBaseKey,
  published: PublishedVersion,
  trigger: GoldenRunTrigger,
): Promise<GoldenRun | null> {
  await refreshRetriever(ctx, deps, key.workspaceId);
  return reportedGoldenRun(ctx, deps, key, published.versionId, trigger);
}

/**
 * After a lexicon change: refresh this process's retriever, then run the golden set of every
 * published base of the workspace against its published version (trigger `lexicon`), the way a
 * publish runs its base's — in the request, after the commit, one base after another. Returns the
 * stored runs; bases without a golden set have none, and a base whose run failed is reported and
 * left out (the lexicon change itself stands).
 */
export async function afterLexiconChange(ctx: DashboardContext, deps: KnowledgeRouteDependencies, workspaceId: string): Promise<GoldenRun[]> {
  await refreshRetriever(ctx, deps, workspaceId);
  const runs: GoldenRun[] = [];
  for (const base of await listKnowledgeBases(deps.db, workspaceId)) {
    if (!base.published) continue;
    const run = await reportedGoldenRun(ctx, deps, { workspaceId, knowledgeBaseId: base.id }, base.published.id, 'lexicon');
    if (run) runs.push(run);
  }
  return runs;
}
