/**
 * Durable intake of inbound messages: contact + identity, conversation and the message row, in one
 * transaction, deduplicated on the platform message id. This is what ingress writes before it
 * acknowledges a webhook.
 */
import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { InboundMessage } from '../model.ts';
import type { Database } from './database.ts';
import { contacts, conversations, identities, messages, participants } from './schema.ts';

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
 * Store an inbound message unless already stored; returns ids either way.
 *
 * Three round trips for a returning customer (identity, conversation, message) and no
 * transaction: each step is idempotent on its own unique key, and the message insert — the one
 * that matters — is a single atomic statement deduplicated on the platform message id. A failure
 * between steps leaves at most an empty contact or conversation, never a half-stored message; the
 * webhook then answers 503 and the platform retries. (The bench showed the previous 8-statement
 * transaction was ~60 % of ingress cost.)
 */
export async function persistInbound(db: Database, input: PersistInboundInput): Promise<PersistedInbound> {
  const { workspaceId, channelAccountId, message } = input;
  const contactId = await ensureContact(db, input);
  const [conversation] = await db
    .insert(conversations)
    .values({
      workspaceId,
      channelAccountId,
      platformThreadId: message.platformThreadId,
      kind: message.conversationKind,
      lastInboundAt: message.sentAt,
    })
    .onConflictDoUpdate({
      target: [conversations.channelAccountId, conversations.platformThreadId],
      set: { lastInboundAt: message.sentAt, updatedAt: sql`now()` },
    })
    .returning({ id: conversations.id });
  const conversationId = conversation!.id;

  if (message.conversationKind === 'group') {
    await db
      .insert(participants)
      .values({ conversationId, platformUserId: message.platformUserId, workspaceId, contactId, role: 'customer' })
      .onConflictDoNothing();
  }

  const inserted = await db
    .insert(messages)
    .values({
      workspaceId,
      conversationId,
      channelAccountId,
      direction: 'inbound',
      authorKind: 'contact',
      contactId,
      platformUserId: message.platformUserId,
      platformMessageId: message.platformMessageId,
      parts: message.parts,
      mentions: message.mentions,
      mentionsBot: message.mentionsBot,
      fromSelf: message.fromSelf,
      processingStatus: 'received',
      raw: message.raw as object,
      traceId: input.traceId,
      createdAt: new Date(),
    })
    .onConflictDoNothing({ target: [messages.channelAccountId, messages.direction, messages.platformMessageId] })
    .returning({ id: messages.id });
  if (inserted[0]) return { messageId: inserted[0].id, conversationId, contactId, duplicate: false };
  // Already stored: a platform retry, or a concurrent delivery of the same message won the insert.
  const existing = await findInbound(db, channelAccountId, message.platformMessageId);
  return { ...existing!, duplicate: true };
}

async function findInbound(db: Database, channelAccountId: string, platformMessageId: string) {
  const [row] = await db
    .select({ messageId: messages.id, conversationId: messages.conversationId, contactId: messages.contactId })
    .from(messages)
    .where(
      and(
        eq(messages.channelAccountId, channelAccountId),
        eq(messages.direction, 'inbound'),
        eq(messages.platformMessageId, platformMessageId),
      ),
    )
    .limit(1);
  return row ? { messageId: row.messageId, conversationId: row.conversationId, contactId: row.contactId ?? '' } : undefined;
}

/** The contact behind a platform user: by identity, else by unionid in the workspace, else new. */
async function ensureContact(db: Database, input: PersistInboundInput): Promise<string> {
  const { workspaceId, channelAccountId, message } = input;
  const [identity] = await db
    .select({ contactId: identities.contactId })
    .from(identities)
    .where(and(eq(identities.channelAccountId, channelAccountId), eq(identities.platformUserId, message.platformUserId)))
    .limit(1);
  if (identity) return identity.contactId;

  let contactId: string | undefined;
  if (message.unionId) {
    const [sameUnion] = await db
      .select({ contactId: identities.contactId })
      .from(identities)
      .where(and(eq(identities.workspaceId, workspaceId), eq(identities.unionId, message.unionId)))
      .limit(1);
    contactId = sameUnion?.contactId;
  }
  if (!contactId) {
    const [contact] = await db
      .insert(contacts)
      .values({ workspaceId, displayName: message.displayName ?? null })
      .returning({ id: contacts.id });
    contactId = contact!.id;
  }
  await db
    .insert(identities)
    .values({
      workspaceId,
      contactId,
      channelAccountId,
      platformUserId: message.platformUserId,
      unionId: message.unionId ?? null,
    })
    .onConflictDoNothing();
  return contactId;
}

/** Inbound messages of a conversation not yet through the pipeline, oldest first. */
export async function pendingInbound(db: Database, conversationId: string): Promise<MessageRow[]> {
  return db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.direction, 'inbound'),
        eq(messages.processingStatus, 'received'),
      ),
    )
    .orderBy(asc(messages.sequence));
}

/** A conversation by id (no workspace filter: callers hold an id they got from a scoped row). */
export async function conversationById(db: Database, conversationId: string): Promise<ConversationRow | undefined> {
  const [row] = await db.select().from(conversations).where(eq(conversations.id, conversationId)).limit(1);
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
