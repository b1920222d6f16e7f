/**
 * Durable intake of inbound messages — contact + identity, conversation and the message row,
 * deduplicated on the platform message id; what ingress writes before it acknowledges a webhook
 * (the statements are in `inbound-batch-store.ts`) — and the reads of the pipeline's side.
 */
import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { InboundMessage } from '../model.ts';
import type { Database } from './database.ts';
import { storeInboundBatch } from './inbound-batch-store.ts';
import { preparedQuery } from './prepared-query.ts';
import { conversations, messages } from './schema.ts';
import { sqlRunnerOf } from './sql-runner.ts';

export interface PersistInboundInput {
  workspaceId: string;
  channelAccountId: string;
  message: InboundMessage;
  traceId: string;
}

export interface PersistedInbound {
  messageId: string;
  conversationId: string;
  contactId: string;
  /** True when this platform message id was already stored (a platform retry). */
  duplicate: boolean;
}

export type MessageRow = typeof messages.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;

/**
 * Store an inbound message unless already stored; returns ids either way. A batch of one of
 * `storeInboundBatch` (see there for the statements and why there is no transaction); ingress
 * groups concurrent webhooks' messages through `inbound-intake.ts` instead.
 */
export async function persistInbound(db: Database, input: PersistInboundInput): Promise<PersistedInbound> {
  const [stored] = await storeInboundBatch(sqlRunnerOf(db), [input]);
  return stored!;
}

/** The inbound messages of conversation `conversationId` (a placeholder) not yet through the pipeline. */
const pendingInboundOf = () =>
  and(eq(messages.conversationId, sql.placeholder('conversationId')), eq(messages.direction, 'inbound'), eq(messages.processingStatus, 'received'));

/** Inbound messages of a conversation not yet through the pipeline, oldest first. */
export async function pendingInbound(db: Database, conversationId: string): Promise<MessageRow[]> {
  const query = preparedQuery(db, 'kefu_pending_inbound', (base, name) =>
    base
      .select()
      .from(messages)
      .where(pendingInboundOf())
      .orderBy(asc(messages.sequence))
      .prepare(name),
  );
  return query.execute({ conversationId });
}

/**
 * The oldest inbound message of a conversation not yet through the pipeline, with its conversation
 * as it is now — one read per message instead of "pending list, then the conversation": the
 * conversation is read fresh for each message, because the previous message's pipeline may have
 * changed it (a hand-off to a human).
 */
export async function nextPendingInbound(
  db: Database,
  conversationId: string,
): Promise<{ message: MessageRow; conversation: ConversationRow } | undefined> {
  const query = preparedQuery(db, 'kefu_next_pending_inbound', (base, name) =>
    base
      .select({ message: messages, conversation: conversations })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(pendingInboundOf())
      .orderBy(asc(messages.sequence))
      .limit(1)
      .prepare(name),
  );
  const [row] = await query.execute({ conversationId });
  return row;
}

/** A conversation by id (no workspace filter: callers hold an id they got from a scoped row). */
export async function conversationById(db: Database, conversationId: string): Promise<ConversationRow | undefined> {
  const query = preparedQuery(db, 'kefu_conversation_by_id', (base, name) =>
    base.select().from(conversations).where(eq(conversations.id, sql.placeholder('conversationId'))).limit(1).prepare(name),
  );
  const [row] = await query.execute({ conversationId });
  return row;
}

/**
 * Conversations that have inbound messages still waiting for the pipeline and received before
 * `before` (crash recovery), with the oldest such message of each.
 */
export async function conversationsWithPendingInbound(
  db: Database,
  before: Date = new Date(),
): Promise<Array<{ conversationId: string; messageId: string }>> {
  const rows = await db
    .selectDistinctOn([messages.conversationId], { conversationId: messages.conversationId, messageId: messages.id })
    .from(messages)
    .where(and(eq(messages.direction, 'inbound'), eq(messages.processingStatus, 'received'), lt(messages.createdAt, before)))
    .orderBy(messages.conversationId, asc(messages.sequence));
  return rows;
}
