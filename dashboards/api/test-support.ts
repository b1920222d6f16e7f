/**
 * Fixtures of the dashboard API tests: a Koa app around the router, and rows inserted directly
 * with Drizzle. Names are made unique per call because usernames are unique across workspaces
 * and the tests of one file share a database.
 */
import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import type { Database, DatabaseHandle } from '../../bot/storage/database.ts';
import { createKnowledgeRepository } from '../../knowledge/knowledge-repository.ts';
import { createKnowledgeRetriever } from '../../knowledge/retriever.ts';
import { createTestDatabase } from '../../test/support/services.ts';
import { channelAccounts, conversations, messages, workspaces } from '../../bot/storage/schema.ts';
import { createOperator, type Operator, type OperatorRole } from './operator-repository.ts';
import { hashPassword } from './password.ts';
import { createDashboardRouter, type DashboardRouterOptions } from './router.ts';

/** A password that passes the policy, shared by seeded operators. */
export const testPassword = 'correct horse battery';

/** A short random suffix for unique names. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A Koa app serving only the dashboard router, and a supertest client of it. */
export function createTestApp(options: DashboardRouterOptions, upstream: Koa.Middleware[] = []) {
  const app = new Koa();
  // Unexpected errors are reported here; a test that provokes none must not print any.
  const reported: unknown[] = [];
  app.on('error', (error: unknown) => reported.push(error));
  for (const middleware of upstream) app.use(middleware);
  app.use(createDashboardRouter(options).routes());
  return { app, client: request(app.callback()), reported };
}

/** Insert a workspace with a channel account; returns their ids. */
export async function seedWorkspace(db: Database): Promise<{ workspaceId: string; channelAccountId: string }> {
  const workspaceId = unique('ws');
  const channelAccountId = unique('account');
  await db.insert(workspaces).values({ id: workspaceId, name: workspaceId });
  await db.insert(channelAccounts).values({ id: channelAccountId, workspaceId, type: 'web', secrets: 'test-secret' });
  return { workspaceId, channelAccountId };
}

/** Insert an operator with `testPassword` (or `password`). */
export async function seedOperator(
  db: Database,
  input: { workspaceId: string; role: OperatorRole; mustChangePassword?: boolean; password?: string },
): Promise<Operator> {
  return createOperator(db, {
    workspaceId: input.workspaceId,
    username: unique(input.role),
    passwordHash: await hashPassword(input.password ?? testPassword),
    role: input.role,
    mustChangePassword: input.mustChangePassword ?? false,
  });
}

/** Insert a conversation of the workspace's channel account. */
export async function seedConversation(
  db: Database,
  input: { workspaceId: string; channelAccountId: string; status?: 'bot' | 'pending' | 'human' | 'resolved'; updatedAt?: Date },
): Promise<string> {
  const [row] = await db
    .insert(conversations)
    .values({
      workspaceId: input.workspaceId,
      channelAccountId: input.channelAccountId,
      platformThreadId: unique('thread'),
      kind: 'direct',
      status: input.status ?? 'bot',
      ...(input.updatedAt ? { updatedAt: input.updatedAt } : {}),
    })
    .returning({ id: conversations.id });
  if (!row) throw new Error('conversation not inserted');
  return row.id;
}

/** Insert one inbound text message into a conversation. */
export async function seedMessage(
  db: Database,
  input: { workspaceId: string; channelAccountId: string; conversationId: string; text: string },
): Promise<void> {
  await db.insert(messages).values({
    workspaceId: input.workspaceId,
    conversationId: input.conversationId,
    channelAccountId: input.channelAccountId,
    direction: 'inbound',
    authorKind: 'contact',
    platformMessageId: unique('message'),
    parts: [{ type: 'text', text: input.text }],
  });
}

/** Log in through the API and return the bearer token. */
export async function login(client: ReturnType<typeof request>, username: string, password = testPassword): Promise<string> {
  const response = await client.post('/api/v1/auth/login').send({ username, password }).expect(200);
  const token: unknown = response.body.token;
  if (typeof token !== 'string') throw new Error('login returned no token');
  return token;
}

/** `Authorization` header of a token. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * A fresh database of `driver` for the tests of the calling `describe` block: opened before them,
 * closed (and dropped) after. Read `suite.db` inside tests, not at collection time.
 */
export function databaseForSuite(driver: 'pglite' | 'postgres'): { readonly handle: DatabaseHandle; readonly db: Database } {
  let handle: DatabaseHandle | undefined;
  beforeAll(async () => {
    handle = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await handle?.close();
  });
  return {
    get handle() {
      if (!handle) throw new Error('the suite database is opened in beforeAll: use it inside a test');
      return handle;
    },
    get db() {
      return this.handle.db;
    },
  };
}

/**
 * A new workspace with an operator (role `operator` unless told) logged in to a test app whose
 * knowledge retriever checks the database only when told to — a change is seen exactly when the
 * API refreshes it.
 */
export async function operatorSession(db: Database, options: Partial<DashboardRouterOptions> & { role?: OperatorRole } = {}) {
  const { role = 'operator', ...routerOptions } = options;
  const { workspaceId, channelAccountId } = await seedWorkspace(db);
  const operator = await seedOperator(db, { workspaceId, role });
  const retriever = createKnowledgeRetriever({ source: createKnowledgeRepository(db), checkIntervalMs: 3_600_000 });
  const { client, reported } = createTestApp({ db, knowledgeRetriever: retriever, ...routerOptions });
  const headers = bearer(await login(client, operator.username));
  return { workspaceId, channelAccountId, operator, client, reported, headers, retriever };
}
