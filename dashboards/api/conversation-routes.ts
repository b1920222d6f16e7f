/**
 * Conversation routes (any role): the workspace's conversations and one conversation's messages.
 * A conversation id of another workspace answers 404, exactly like an id that does not exist.
 */
import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { Database } from '../../bot/storage/database.ts';
import { currentOperator, type DashboardState } from './auth.ts';
import {
  conversationStatuses,
  findConversation,
  listConversations,
  listMessages,
  parseConversationCursor,
  parseMessageCursor,
} from './conversation-repository.ts';
import { DashboardError, notFound } from './http-errors.ts';
import { validate } from './request-body.ts';

/** What the conversation routes need from the router's composition. */
export interface ConversationRouteDependencies {
  db: Database;
  /** `requireOperator` for ordinary routes. */
  authenticate: Middleware<DashboardState>;
}

/** Largest page size of list routes. */
export const maximumPageSize = 100;

const pageSchema = {
  limit: z.coerce.number().int().min(1).max(maximumPageSize).default(50),
  cursor: z.string().min(1).max(200).optional(),
};
const conversationQuerySchema = z.object({ ...pageSchema, status: z.enum(conversationStatuses).optional() });
const messageQuerySchema = z.object(pageSchema);

const invalidCursor = () => new DashboardError(400, 'validation_failed', 'cursor: invalid', { field: 'cursor' });

/** Register `GET /conversations` and `GET /conversations/:id/messages` on `router`. */
export function registerConversationRoutes(router: Router<DashboardState>, deps: ConversationRouteDependencies): void {
  const { db, authenticate } = deps;

  router.get('/conversations', authenticate, async function listWorkspaceConversations(ctx) {
    const { workspaceId } = currentOperator(ctx);
    const query = validate(conversationQuerySchema, ctx.query, 'query');
    const cursor = query.cursor === undefined ? undefined : parseConversationCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) throw invalidCursor();
    const page = await listConversations(db, { workspaceId, limit: query.limit, status: query.status, cursor });
    ctx.body = { conversations: page.items, nextCursor: page.nextCursor ?? null };
  });

  router.get('/conversations/:id/messages', authenticate, async function listConversationMessages(ctx) {
    const { workspaceId } = currentOperator(ctx);
    const conversation = await findConversation(db, { workspaceId, id: ctx.params.id ?? '' });
    if (!conversation) throw notFound('conversation');
    const query = validate(messageQuerySchema, ctx.query, 'query');
    const beforeSequence = query.cursor === undefined ? undefined : parseMessageCursor(query.cursor);
    if (query.cursor !== undefined && beforeSequence === undefined) throw invalidCursor();
    const page = await listMessages(db, {
      workspaceId,
      conversationId: conversation.id,
      limit: query.limit,
      beforeSequence,
    });
    ctx.body = { messages: page.items, nextCursor: page.nextCursor ?? null };
  });
}
