/**
 * The operator dashboard REST API: a @koa/router `Router` mounted at `/api/v1`. It carries its
 * own error rendering and body reading, so it assumes nothing of the app it is mounted in:
 * `app.use(createDashboardRouter({ db }).routes())`.
 */
import { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { Database } from '../../bot/storage/database.ts';
import type { WorkspaceIntents } from '../../knowledge/intents/workspace-intents.ts';
import { requireOperator, type DashboardState } from './auth.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { registerConversationRoutes } from './conversation-routes.ts';
import { registerGoldenSetRoutes } from './golden-set-routes.ts';
import { renderErrors } from './http-errors.ts';
import { registerIntentRoutes } from './intent-routes.ts';
import { registerKnowledgeImportRoutes } from './knowledge-import-routes.ts';
import type { KnowledgeRefresher } from './knowledge-route-support.ts';
import { registerKnowledgeRoutes } from './knowledge-routes.ts';
import { registerLexiconRoutes } from './lexicon-routes.ts';
import { createLoginLimiter, type LoginAttemptStore } from './login-limiter.ts';
import { createOpenApiDocument } from './openapi.ts';
import { registerOperatorRoutes } from './operator-routes.ts';
import { defaultSessionTtlMs } from './session-repository.ts';

/** The path prefix of the dashboard API. */
export const dashboardApiPrefix = '/api/v1';

/** Options of `createDashboardRouter`. */
export interface DashboardRouterOptions {
  db: Database;
  /**
   * Counters for login rate limiting; pass the Redis `Cache` when several processes serve the API.
   * Default: an in-process cache.
   */
  cache?: LoginAttemptStore;
  /** Failed logins allowed per username and window: 10 per 15 minutes. */
  loginLimit?: { maxFailures?: number; maxAttemptsPerAddress?: number; windowMs?: number };
  /** Session lifetime: 12 hours. */
  sessionTtlMs?: number;
  /** Clock for sessions; defaults to the system clock. */
  now?: () => Date;
  /**
   * The process's knowledge retriever: refreshed after every publish and lexicon change, so this
   * process answers from the new version at once (other processes catch up within their check
   * interval).
   */
  knowledgeRetriever?: KnowledgeRefresher;
  /**
   * Deliver a conversation's queued messages now (a staff message from `POST
   * /conversations/{id}/messages`): the outbox queue. Without it they go out with the recovery sweep.
   */
  deliverConversation?: (conversationId: string, messageId: string) => Promise<void>;
  /**
   * The process's workspace intents (the pipeline's): a list stored through `PUT /intents` is
   * trained on them first and used by this process at once (other processes at their next check).
   * Default: the starter set without configured intents.
   */
  intents?: WorkspaceIntents;
}

function securityHeaders(): Middleware<DashboardState> {
  return async function dashboardSecurityHeaders(ctx, next) {
    // Responses carry tokens and customer data: never cache them, never sniff them.
    ctx.set('Cache-Control', 'no-store');
    ctx.set('X-Content-Type-Options', 'nosniff');
    await next();
  };
}

/** Build the dashboard API router. */
export function createDashboardRouter(options: DashboardRouterOptions): Router<DashboardState> {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const router = new Router<DashboardState>({ prefix: dashboardApiPrefix });
  router.use(securityHeaders(), renderErrors());

  const authenticate = requireOperator({ db, now });
  const authenticatePasswordChange = requireOperator({ db, now, allowPasswordChangeRequired: true });
  const limiter = createLoginLimiter({ store: options.cache, ...options.loginLimit });

  registerAuthRoutes(router, {
    db,
    limiter,
    now,
    sessionTtlMs: options.sessionTtlMs ?? defaultSessionTtlMs,
    cookiePath: dashboardApiPrefix,
    authenticatePasswordChange,
  });
  registerOperatorRoutes(router, { db, authenticate });
  registerConversationRoutes(router, { db, authenticate, deliverConversation: options.deliverConversation });
  const knowledge = { db, authenticate, retriever: options.knowledgeRetriever };
  registerKnowledgeRoutes(router, knowledge);
  registerKnowledgeImportRoutes(router, knowledge);
  registerGoldenSetRoutes(router, knowledge);
  registerLexiconRoutes(router, knowledge);
  registerIntentRoutes(router, { db, authenticate, intents: options.intents });

  const openApiDocument = createOpenApiDocument(dashboardApiPrefix);
  router.get('/openapi.json', async function openApi(ctx) {
    ctx.body = openApiDocument;
  });
  return router;
}
