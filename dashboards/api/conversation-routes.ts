/**
 * Conversation routes: the workspace's conversations and one conversation's messages (any role),
 * and the handoff actions — take over, hand back, resolve (`conversation-handoff.ts`; admins,
 * operators and staff). A conversation id of another workspace answers 404, exactly like an id
 * that does not exist.
 */
import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { Database } from '../../bot/storage/database.ts';
import { currentOperator, requireRole, type DashboardState } from './auth.ts';
import { applyHandoffAction, handoffActions } from './conversation-handoff.ts';
import { queueStaffMessage } from './staff-messages.ts';
import {
  conversationStatuses,
  findConversation,
  listConversations,
  listMessages,
  parseConversationCursor,
  parseMessageCursor,
} from './conversation-repository.ts';
import { DashboardError, notFound } from './http-errors.ts';
import { readValidBody, validate } from './request-body.ts';

/** What the conversation routes need from the router's composition. */
export interface ConversationRouteDependencies {
  db: Database;
  /** `requireOperator` for ordinary routes. */
  authenticate: Middleware<DashboardState>;
  /** Ask the outbox sender to deliver a conversation's queued messages now (a staff message); without it the recovery sweep sends them within about two minutes. */
  deliverConversation?: (conversationId: string, messageId: string) => Promise<void>;
}

/** Largest page size of list routes. */
export const maximumPageSize = 100;

const pageSchema = {
  limit: z.coerce.number().int().min(1).max(maximumPageSize).default(50),
  cursor: z.string().min(1).max(200).optional(),
};
const conversationQuerySchema = z.object({ ...pageSchema, status: z.enum(conversationStatuses).optional() });
const messageQuerySchema = z.object(pageSchema);
/** WeChat's text messages hold 2,048 bytes; a staff message is kept well inside one. */
const staffMessageSchema = z.strictObject({ text: z.string().trim().min(1).max(600) });

const conversationTaken = () =>
  new DashboardError(409, 'conversation_taken', 'another operator has taken this conversation over; hand it back first');
const invalidCursor = () => new DashboardError(400, 'validation_failed', 'cursor: invalid', { field: 'cursor' });

/** Register the conversation routes on `router`. */
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

  const handler = requireRole('admin', 'operator', 'staff');
  router.post('/conversations/:id/messages', authenticate, handler, async function sendStaffMessage(ctx) {
    const operator = currentOperator(ctx);
    const body = await readValidBody(ctx, staffMessageSchema);
    const result = await queueStaffMessage(db, {
      workspaceId: operator.workspaceId,
      conversationId: ctx.params.id ?? '',
      operatorId: operator.id,
      text: body.text,
    });
    if (result.outcome === 'not_found') throw notFound('conversation');
    if (result.outcome === 'taken') throw conversationTaken();
    await deps.deliverConversation?.(result.conversation.id, result.message.id);
    ctx.status = 201;
    ctx.body = { message: result.message, conversation: result.conversation };
  });

  for (const action of handoffActions) {
    router.post(`/conversations/:id/${action}`, authenticate, handler, async function changeConversationHandoff(ctx) {
      const operator = currentOperator(ctx);
      const result = await applyHandoffAction(db, {
        workspaceId: operator.workspaceId,
        conversationId: ctx.params.id ?? '',
        operatorId: operator.id,
        action,
      });
      if (result.outcome === 'not_found') throw notFound('conversation');
      if (result.outcome === 'taken') throw conversationTaken();
      ctx.body = { conversation: result.conversation };
    });
  }
}
