/**
 * The outbox: outbound messages are rows written in the same transaction that marks their inbound
 * message processed, so a reply is recorded exactly once however often processing is retried.
 * Delivery then claims rows atomically — either the webhook's passive reply or the API sender
 * wins, never both.
 */
import { and, asc, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { OutboundReply } from '../model.ts';
import type { Database } from './database.ts';
import type { MessageRow } from './inbound-repository.ts';
import { messages } from './schema.ts';
import { preparedQuery } from './prepared-query.ts';
import { sqlRunnerOf, type SqlStatement } from './sql-runner.ts';

export interface CompleteInboundInput {
  inbound: Pick<MessageRow, 'id' | 'workspaceId' | 'conversationId' | 'channelAccountId' | 'platformUserId' | 'traceId'>;
  replies: OutboundReply[];
  /** `ignored` when the pipeline chose not to act (own message, human mode, not addressed). */
  outcome: 'processed' | 'ignored';
}

// One statement, so atomic without a transaction (three round trips fewer than BEGIN … COMMIT):
// the mark, the replies — inserted only if the mark took, in the pipeline's order (ORDER BY keeps
// the `sequence` default evaluated in that order) — and the conversation's `updated_at`.
const completeInboundStatement: SqlStatement = {
  name: 'kefu_complete_inbound',
  text: `with done as (
      update messages set processing_status = $2, processed_at = now()
      where id = $1 and processing_status = 'received'
      returning id, workspace_id, conversation_id, channel_account_id
    ),
    replies as (
      insert into messages (workspace_id, conversation_id, channel_account_id, direction, author_kind, platform_user_id,
        parts, mentions, reply_to_id, delivery_status, intent, confidence, citations, trace_id, created_at)
      select done.workspace_id, done.conversation_id, done.channel_account_id, 'outbound', 'bot', $3,
        r.parts, r.mentions, done.id, 'queued', r.intent, r.confidence, r.citations, $4, now()
      from done, unnest($5::jsonb[], $6::jsonb[], $7::text[], $8::float8[], $9::jsonb[])
        with ordinality as r(parts, mentions, intent, confidence, citations, position)
      order by r.position
      returning id
    ),
    touched as (
      update conversations set updated_at = now()
      where id = (select conversation_id from done) and exists (select 1 from replies)
    )
    select count(*)::int as completed from done`,
};

/**
 * Record the pipeline's replies and mark the inbound message done, atomically. Returns false (and
 * writes nothing) when the message was already completed — a retried job after a crash.
 */
export async function completeInbound(db: Database, input: CompleteInboundInput): Promise<boolean> {
  const { inbound, replies } = input;
  const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  const [row] = await sqlRunnerOf(db).query<{ completed: number }>(completeInboundStatement, [
    inbound.id,
    input.outcome,
    inbound.platformUserId,
    inbound.traceId,
    replies.map((reply) => json(reply.parts)),
    replies.map((reply) => json(reply.mentions ?? [])),
    replies.map((reply) => reply.intent ?? null),
    replies.map((reply) => reply.confidence ?? null),
    replies.map((reply) => json(reply.citations)),
  ]);
  return (row?.completed ?? 0) > 0;
}

/** Where an inbound message stands, for the webhook waiting to reply passively. */
export async function inboundStatus(db: Database, inboundId: string): Promise<MessageRow['processingStatus'] | undefined> {
  const query = preparedQuery(db, 'kefu_inbound_status', (base, name) =>
    base
      .select({ status: messages.processingStatus })
      .from(messages)
      .where(eq(messages.id, sql.placeholder('inboundId')))
      .limit(1)
      .prepare(name),
  );
  const [row] = await query.execute({ inboundId });
  return row?.status ?? undefined;
}

/**
 * Claim the first queued reply to `inboundId` for delivery in the webhook's HTTP response.
 * Atomic: returns the row only if this caller moved it from `queued` to `sent`.
 */
export async function claimPassiveReply(db: Database, inboundId: string): Promise<MessageRow | undefined> {
  const [row] = await db
    .update(messages)
    .set({ deliveryStatus: 'sent', deliveryVia: 'passive', sentAt: new Date(), deliveryAttempts: sql`${messages.deliveryAttempts} + 1` })
    .where(
      and(
        eq(messages.deliveryStatus, 'queued'),
        eq(
          messages.id,
          sql`(select id from messages where reply_to_id = ${inboundId} and direction = 'outbound' order by sequence limit 1)`,
        ),
      ),
    )
    .returning();
  return row;
}

/** The reply to `inboundId` already claimed for a passive answer (by a concurrent try), if any. */
export async function passiveReplyOf(db: Database, inboundId: string): Promise<MessageRow | undefined> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.replyToId, inboundId), eq(messages.direction, 'outbound'), eq(messages.deliveryVia, 'passive')))
    .orderBy(asc(messages.sequence))
    .limit(1);
  return row;
}

/** Undo a passive claim whose HTTP response could not be written (client gone). */
export async function releasePassiveClaim(db: Database, messageId: string): Promise<void> {
  await db
    .update(messages)
    .set({ deliveryStatus: 'queued', deliveryVia: null, sentAt: null })
    .where(and(eq(messages.id, messageId), eq(messages.deliveryVia, 'passive')));
}

/** Outbound messages of a conversation waiting for the API sender, oldest first. */
export async function undeliveredOutbound(db: Database, conversationId: string): Promise<MessageRow[]> {
  const query = preparedQuery(db, 'kefu_undelivered_outbound', (base, name) =>
    base
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, sql.placeholder('conversationId')),
          eq(messages.direction, 'outbound'),
          inArray(messages.deliveryStatus, ['queued', 'sending']),
        ),
      )
      .orderBy(asc(messages.sequence))
      .prepare(name),
  );
  return query.execute({ conversationId });
}

/** Claim one outbound message for an API send (a crashed `sending` may be reclaimed). */
export async function claimForSending(db: Database, messageId: string): Promise<boolean> {
  const query = preparedQuery(db, 'kefu_claim_for_sending', (base, name) =>
    base
      .update(messages)
      .set({ deliveryStatus: 'sending', deliveryAttempts: sql`${messages.deliveryAttempts} + 1` })
      .where(and(eq(messages.id, sql.placeholder('messageId')), inArray(messages.deliveryStatus, ['queued', 'sending'])))
      .returning({ id: messages.id })
      .prepare(name),
  );
  const rows = await query.execute({ messageId });
  return rows.length > 0;
}

export async function markSent(db: Database, messageId: string, platformMessageId?: string): Promise<void> {
  const query = preparedQuery(db, 'kefu_mark_sent', (base, name) =>
    base
      .update(messages)
      .set({
        deliveryStatus: 'sent',
        deliveryVia: 'api',
        sentAt: sql`now()`,
        platformMessageId: sql`${sql.placeholder('platformMessageId')}`,
        deliveryError: null,
      })
      .where(eq(messages.id, sql.placeholder('messageId')))
      .prepare(name),
  );
  await query.execute({ messageId, platformMessageId: platformMessageId ?? null });
}

/** Record a send that will not be retried; `error` is shown to operators. */
export async function markFailed(db: Database, messageId: string, error: string): Promise<void> {
  await db.update(messages).set({ deliveryStatus: 'failed', deliveryError: error }).where(eq(messages.id, messageId));
}

/** Put a claimed message back for a later retry. */
export async function markRetrying(db: Database, messageId: string, error: string): Promise<void> {
  await db.update(messages).set({ deliveryStatus: 'queued', deliveryError: error }).where(eq(messages.id, messageId));
}

/**
 * The customer's reply window on a conversation: time of their last message and how many messages
 * the bot sent through the API since then.
 */
export async function replyWindowUsage(
  db: Database,
  conversationId: string,
  platformUserId: string,
): Promise<{ lastInboundAt?: Date; apiSendsSince: number }> {
  // One round trip: the customer's last message time, and the API sends since (none when null).
  const query = preparedQuery(db, 'kefu_reply_window_usage', (base, name) => {
    const conversation = sql.placeholder('conversationId');
    const lastInbound = sql`(select max(${messages.createdAt}) from ${messages} where ${and(
      eq(messages.conversationId, conversation),
      eq(messages.direction, 'inbound'),
      eq(messages.platformUserId, sql.placeholder('platformUserId')),
    )})`;
    return base
      .select({ at: sql<Date | string | null>`${lastInbound}`, n: count() })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conversation),
          eq(messages.direction, 'outbound'),
          eq(messages.deliveryStatus, 'sent'),
          eq(messages.deliveryVia, 'api'),
          gte(messages.sentAt, lastInbound),
        ),
      )
      .prepare(name);
  });
  const [row] = await query.execute({ conversationId, platformUserId });
  if (!row?.at) return { apiSendsSince: 0 };
  return { lastInboundAt: new Date(row.at), apiSendsSince: Number(row.n) };
}

/** Conversations with outbound messages created before `before` and not yet delivered (crash recovery). */
export async function conversationsWithUndelivered(db: Database, before: Date = new Date()): Promise<string[]> {
  const rows = await db
    .selectDistinct({ conversationId: messages.conversationId })
    .from(messages)
    .where(and(eq(messages.direction, 'outbound'), inArray(messages.deliveryStatus, ['queued', 'sending']), lt(messages.createdAt, before)));
  return rows.map((row) => row.conversationId);
}
