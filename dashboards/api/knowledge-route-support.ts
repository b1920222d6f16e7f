/**
 * What the knowledge routes share: their dependencies, the base lookup that turns another
 * workspace's id into 404, the roles that may change knowledge, and the steps after a publish or a
 * lexicon change (refresh this process's retriever; after a publish, run the golden set).
 */
import type { Middleware } from 'koa';
import type { Database } from '../../bot/storage/database.ts';
import { runGoldenSet, type GoldenRun, type GoldenRunTrigger } from '../../knowledge/golden-sets.ts';
import { findKnowledgeBase, type KnowledgeBaseKey, type KnowledgeBaseSummary } from '../../knowledge/knowledge-bases.ts';
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
  try {
    const run = await runGoldenSet(deps.db, {
      ...key,
      versionId: published.versionId,
      trigger,
      operatorId: currentOperator(ctx).id,
    });
    return run ?? null;
  } catch (error) {
    ctx.app.emit('error', error, ctx);
    return null;
  }
}
