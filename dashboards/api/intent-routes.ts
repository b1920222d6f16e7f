/**
 * The workspace's own intents: what the bot routes a message to (name, description, examples,
 * keywords, patterns) and, optionally, the fixed reply it sends; and the inherited intents it
 * switches off (`{ name, disabled: true }`). Everyone reads; admins and operators replace the list
 * as a whole (`PUT`, like the lexicon). `GET` also lists the intents the workspace has without it —
 * the starter set and `kefu.config.json`'s — as `builtIn`, marking those an own intent of the same
 * name replaces and those the list disables. A list is checked (`checkIntentList`, the config file's
 * schema) and trained before it is stored, so one that cannot train is refused and never stored. A
 * change reaches customers at once: this process's detector is swapped right after the commit,
 * other processes' at their next stamp check.
 */
import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { Database } from '../../bot/storage/database.ts';
import { checkIntentList, IntentListError } from '../../knowledge/intents/intent-rules.ts';
import { STARTER_INTENTS, STARTER_OUT_OF_SCOPE_EXAMPLES, STARTER_REPLIES } from '../../knowledge/intents/starter-intents.ts';
import {
  createStoredIntentSource,
  getStoredIntents,
  IntentsChangedError,
  replaceStoredIntents,
  type StoredIntents,
} from '../../knowledge/intents/workspace-intent-store.ts';
import {
  createWorkspaceIntents,
  isDisabledIntent,
  type PreparedIntents,
  type WorkspaceIntents,
} from '../../knowledge/intents/workspace-intents.ts';
import { currentOperator, type DashboardState } from './auth.ts';
import { DashboardError } from './http-errors.ts';
import { requireKnowledgeEditor } from './knowledge-route-support.ts';
import { readValidBody } from './request-body.ts';

/** What the intent routes need from the router's composition. */
export interface IntentRouteDependencies {
  db: Database;
  /** `requireOperator` for ordinary routes. */
  authenticate: Middleware<DashboardState>;
  /**
   * The process's workspace intents (the pipeline's): they train a list before it is stored, list
   * the built-in intents, and take a stored list at once. Default: the starter set with no
   * configured intents, over `db`.
   */
  intents?: WorkspaceIntents;
}

/** Two hundred intents with their examples are larger than the default 64 KB body. */
const intentsBodyLimitBytes = 1024 * 1024;

// Shapes only: what an intent may hold is `checkIntentList`'s, whose errors name the item itself.
const intentsSchema = z.strictObject({
  intents: z.array(z.unknown()),
  /** The revision the change was made on; when given, a newer stored one answers 409. */
  revision: z.number().int().min(0).optional(),
});

/** Register `GET` and `PUT /intents` on `router`. */
export function registerIntentRoutes(router: Router<DashboardState>, deps: IntentRouteDependencies): void {
  const { db, authenticate } = deps;
  let fallback: WorkspaceIntents | undefined;
  const workspaceIntents = () =>
    deps.intents ??
    (fallback ??= createWorkspaceIntents({
      base: STARTER_INTENTS,
      baseReplies: STARTER_REPLIES,
      outOfScopeExamples: STARTER_OUT_OF_SCOPE_EXAMPLES,
      stored: createStoredIntentSource(db),
    }));

  const view = (workspaceId: string, { intents, revision, updatedBy, updatedAt }: StoredIntents) => {
    const disabled = new Set(intents.filter(isDisabledIntent).map((entry) => entry.name));
    const own = new Set(intents.filter((entry) => !isDisabledIntent(entry)).map((entry) => entry.name));
    const builtIn = workspaceIntents()
      .inherited(workspaceId)
      .map((intent) => ({ ...intent, replaced: own.has(intent.name), disabled: disabled.has(intent.name) }));
    return { intents, builtIn, revision, updatedBy, updatedAt };
  };

  router.get('/intents', authenticate, async function getWorkspaceIntents(ctx) {
    const { workspaceId } = currentOperator(ctx);
    ctx.body = view(workspaceId, await getStoredIntents(db, workspaceId));
  });

  router.put('/intents', authenticate, requireKnowledgeEditor(), async function replaceWorkspaceIntents(ctx) {
    const operator = currentOperator(ctx);
    const body = await readValidBody(ctx, intentsSchema, { limitBytes: intentsBodyLimitBytes });
    let stored: StoredIntents;
    let prepared: PreparedIntents;
    try {
      const inherited = workspaceIntents().inherited(operator.workspaceId);
      const intents = checkIntentList(body.intents, { inherited: inherited.map((intent) => intent.name) });
      // Trained before it is stored: a list that cannot train never reaches the table.
      prepared = await workspaceIntents().prepare(operator.workspaceId, intents);
      stored = await replaceStoredIntents(db, operator.workspaceId, intents, { operatorId: operator.id, expectedRevision: body.revision });
    } catch (error) {
      if (error instanceof IntentListError) throw new DashboardError(400, error.code, error.message, { field: error.item, cause: error });
      if (error instanceof IntentsChangedError) throw new DashboardError(409, error.code, error.message, { field: 'revision', cause: error });
      throw error;
    }
    workspaceIntents().install(operator.workspaceId, stored.revision, prepared);
    ctx.body = view(operator.workspaceId, stored);
  });
}
