/**
 * Knowledge-base routes: bases, versions, entries, the draft and its entries, publish and
 * rollback. Everyone reads; admins and operators change. An operator's edits go to the draft and
 * reach customers only when the draft is published. Every id is looked up within the caller's
 * workspace: another workspace's base answers 404.
 */
import type { Router } from '@koa/router';
import { z } from 'zod';
import { KefuError } from '../../bot/errors.ts';
import { createKnowledgeBase, findKnowledgeBase, listKnowledgeBases } from '../../knowledge/knowledge-bases.ts';
import {
  addDraftEntry,
  deleteDraftEntry,
  listEntries,
  NoDraftError,
  updateDraftEntry,
} from '../../knowledge/knowledge-entries.ts';
import {
  discardDraft,
  listVersions,
  openDraft,
  publishDraft,
  resolveVersion,
  rollbackToVersion,
} from '../../knowledge/knowledge-versions.ts';
import { currentOperator, type DashboardState } from './auth.ts';
import { maximumPageSize } from './conversation-routes.ts';
import { DashboardError, notFound } from './http-errors.ts';
import {
  afterPublish,
  requireKnowledgeBase,
  requireKnowledgeEditor,
  versionView,
  type KnowledgeRouteDependencies,
} from './knowledge-route-support.ts';
import { readValidBody, validate } from './request-body.ts';

const nameSchema = z.string().trim().min(1).max(100);
const createBaseSchema = z.strictObject({ name: nameSchema });

const entryFields = {
  kind: z.enum(['faq', 'chunk']),
  question: z.string().trim().max(1000),
  variants: z.array(z.string().trim().min(1).max(1000)).max(100),
  answer: z.string().trim().min(1).max(20_000),
  category: z.string().trim().min(1).max(100).nullable(),
};
const createEntrySchema = z.strictObject({
  id: z.string().trim().min(1).max(200),
  kind: entryFields.kind.default('faq'),
  question: entryFields.question.default(''),
  variants: entryFields.variants.default([]),
  answer: entryFields.answer,
  category: entryFields.category.optional(),
});
const updateEntrySchema = z
  .strictObject({
    kind: entryFields.kind.optional(),
    question: entryFields.question.optional(),
    variants: entryFields.variants.optional(),
    answer: entryFields.answer.optional(),
    category: entryFields.category.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'at least one of kind, question, variants, answer, category' });

const entriesQuerySchema = z.object({
  version: z.union([z.enum(['published', 'draft']), z.coerce.number().int().min(1)]).default('published'),
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(maximumPageSize).default(50),
  cursor: z.string().min(1).max(400).optional(),
});
const rollbackSchema = z.strictObject({ version: z.number().int().min(1) });

const draftNotFound = () => notFound('draft');
const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

/** Map repository errors to their HTTP answers. */
function asHttpError(error: unknown): unknown {
  if (error instanceof NoDraftError) return draftNotFound();
  if (!(error instanceof KefuError)) return error;
  switch (error.code) {
    case 'name_taken':
      return new DashboardError(409, 'name_taken', error.message, { field: 'name' });
    case 'entry_exists':
      return new DashboardError(409, 'entry_exists', error.message, { field: 'id' });
    case 'already_published':
    case 'not_published_yet':
      return new DashboardError(409, error.code, error.message, { field: 'version' });
    default:
      return error;
  }
}

async function mapped<Result>(work: () => Promise<Result>): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    throw asHttpError(error);
  }
}

/** Register the knowledge-base, version, entry, draft, publish and rollback routes on `router`. */
export function registerKnowledgeRoutes(router: Router<DashboardState>, deps: KnowledgeRouteDependencies): void {
  const { db, authenticate } = deps;
  const editor = requireKnowledgeEditor();

  router.get('/knowledge-bases', authenticate, async function listBases(ctx) {
    ctx.body = { knowledgeBases: await listKnowledgeBases(db, currentOperator(ctx).workspaceId) };
  });

  router.post('/knowledge-bases', authenticate, editor, async function createBase(ctx) {
    const { name } = await readValidBody(ctx, createBaseSchema);
    const knowledgeBase = await mapped(() => createKnowledgeBase(db, { workspaceId: currentOperator(ctx).workspaceId, name }));
    ctx.status = 201;
    ctx.body = { knowledgeBase };
  });

  router.get('/knowledge-bases/:id', authenticate, async function getBase(ctx) {
    ctx.body = { knowledgeBase: (await requireKnowledgeBase(ctx, db, ctx.params.id)).base };
  });

  router.get('/knowledge-bases/:id/versions', authenticate, async function listBaseVersions(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    ctx.body = { versions: await listVersions(db, key) };
  });

  router.get('/knowledge-bases/:id/entries', authenticate, async function listVersionEntries(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    const query = validate(entriesQuerySchema, ctx.query, 'query');
    const afterKey = query.cursor === undefined ? undefined : Buffer.from(query.cursor, 'base64url').toString('utf8');
    const version = await resolveVersion(db, key, query.version);
    if (!version) throw query.version === 'draft' ? draftNotFound() : notFound('version');
    const page = await listEntries(db, { ...key, versionId: version.id, limit: query.limit, search: query.q, afterKey });
    ctx.body = { version, entries: page.items, nextCursor: page.nextKey === undefined ? null : encodeCursor(page.nextKey) };
  });

  router.post('/knowledge-bases/:id/draft', authenticate, editor, async function openBaseDraft(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    const opened = await openDraft(db, key, { operatorId: currentOperator(ctx).id });
    if (!opened) throw notFound('knowledge base');
    const base = await findKnowledgeBase(db, key);
    ctx.status = opened.created ? 201 : 200;
    ctx.body = { draft: base?.draft ?? null, created: opened.created };
  });

  router.delete('/knowledge-bases/:id/draft', authenticate, editor, async function discardBaseDraft(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    if (!(await discardDraft(db, key))) throw draftNotFound();
    ctx.status = 204;
  });

  router.post('/knowledge-bases/:id/draft/entries', authenticate, editor, async function addEntry(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    const body = await readValidBody(ctx, createEntrySchema);
    const { category, ...entry } = body;
    ctx.body = { entry: await mapped(() => addDraftEntry(db, key, { ...entry, ...(category ? { category } : {}) })) };
    ctx.status = 201;
  });

  router.patch('/knowledge-bases/:id/draft/entries/:key', authenticate, editor, async function updateEntry(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    const patch = await readValidBody(ctx, updateEntrySchema);
    const entry = await mapped(() => updateDraftEntry(db, { ...key, entryKey: ctx.params.key ?? '' }, patch));
    if (!entry) throw notFound('entry');
    ctx.body = { entry };
  });

  router.delete('/knowledge-bases/:id/draft/entries/:key', authenticate, editor, async function deleteEntry(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    if (!(await mapped(() => deleteDraftEntry(db, { ...key, entryKey: ctx.params.key ?? '' })))) throw notFound('entry');
    ctx.status = 204;
  });

  router.post('/knowledge-bases/:id/draft/publish', authenticate, editor, async function publishBaseDraft(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    const published = await publishDraft(db, key, { operatorId: currentOperator(ctx).id });
    if (!published) throw draftNotFound();
    const goldenRun = await afterPublish(ctx, deps, key, published, 'publish');
    ctx.body = { version: versionView(published), goldenRun };
  });

  router.post('/knowledge-bases/:id/rollback', authenticate, editor, async function rollbackBase(ctx) {
    const key = await requireKnowledgeBase(ctx, db, ctx.params.id);
    const { version } = await readValidBody(ctx, rollbackSchema);
    const published = await mapped(() => rollbackToVersion(db, { ...key, number: version }, { operatorId: currentOperator(ctx).id }));
    if (!published) throw notFound('version');
    const goldenRun = await afterPublish(ctx, deps, key, published, 'rollback');
    ctx.body = { version: versionView(published), goldenRun };
  });
}
