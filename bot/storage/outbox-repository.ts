/**
 * The outbox: outbound messages are rows written in the same transaction that marks their inbound
 * message processed, so a reply is recorded exactly once however often processing is retried.
 * Delivery then claims rows atomically — either the webhook's passive reply or the API sender
 * wins, never both.
 */
import { and, asc, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { ConversationStatus, OutboundReply } from '../model.ts';
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
  /**
   * A status change the pipeline asked for (`BotContext.changeStatus`): applied with the mark, and
   * only while the conversation still has status `from` (an operator's change made meanwhile wins).
   * `announceHandoff`: staff are to be told of it (`handoff_notice_message_id` := this message), so
   * a notice whose job is lost to a crash is found again by the recovery sweep.
   */
  statusChange?: { from: ConversationStatus; to: ConversationStatus; announceHandoff?: boolean };
}

// One statement, so atomic without a transaction (three round trips fewer than BEGIN … COMMIT):
// the mark, the replies — inserted only if the mark took, in the pipeline's order (ORDER BY keeps
// the `sequence` default evaluated in that order) — and the conversation's `updated_at` and asked-for
// status ($10 → $11) with the handoff to announce ($12), in the same UPDATE (PostgreSQL applies
// only one of two updates of a row made by one statement).
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
      update conversations set updated_at = now(),
        status = case when status = $10::text then $11::text else status end,
        status_changed_at = case when status = $10::text then now() else status_changed_at end,
        handoff_notice_message_id = case when status = $10::text and $12::boolean then (select id from done) else handoff_notice_message_id end
      where id = (select conversation_id from done) and (exists (select 1 from replies) or status = $10::text)
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
    input.statusChange?.from ?? null,
    input.statusChange?.to ?? null,
    input.statusChange?.announceHandoff === true,
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
  const query = preparedQuery(db, 'kefu_claim_passive_reply', (base, name) =>
    base
      .update(messages)
      .set({ deliveryStatus: 'sent', deliveryVia: 'passive', sentAt: sql`now()`, deliveryAttempts: sql`${messages.deliveryAttempts} + 1` })
      .where(
        and(
          eq(messages.deliveryStatus, 'queued'),
          eq(
            messages.id,
            sql`(select id from messages where reply_to_id = ${sql.placeholder('inboundId')} and direction = 'outbound' order by sequence limit 1)`,
          ),
        ),
      )
      .returning()
      .prepare(name),
  );
  const [row] = await query.execute({ inboundId });
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

/** A platform's reply window as the claim checks it. */
export interface ReplyWindowLimit {
  durationMs: number;
  maxMessages: number;
}

// One statement: the customer's last message time, the API sends since, and — when the window is
// open — the claim, or — when it is closed or used up — the refusal recorded on the message. Only
// a message still queued or sending is touched, so a reply another sender took is left alone.
const claimWithinWindowStatement: SqlStatement = {
  name: 'kefu_claim_within_window',
  text: `with last_in as (
      select max(created_at) as at from messages
      where conversation_id = $2 and direction = 'inbound' and platform_user_id = $3
    ),
    usage as (
      select last_in.at, (select count(*) from messages m
          where m.conversation_id = $2 and m.direction = 'outbound' and m.delivery_status = 'sent'
            and m.delivery_via = 'api' and m.sent_at >= last_in.at) as sends
      from last_in
    ),
    verdict as (
      select case
          when $4::float8 is null then null
          when at is null or at < $6::timestamptz - $4::float8 * interval '1 millisecond' then 'reply_window_closed'
          when sends >= $5::int then 'reply_count_exceeded'
        end as refusal
      from usage
    ),
    claimed as (
      update messages set delivery_status = 'sending', delivery_attempts = delivery_attempts + 1
      where id = $1 and delivery_status in ('queued', 'sending') and (select refusal from verdict) is null
      returning id
    ),
    refused as (
      update messages set delivery_status = 'failed', delivery_error = (select refusal from verdict)
      where id = $1 and delivery_status in ('queued', 'sending') and (select refusal from verdict) is not null
      returning delivery_error
    )
    select exists (select 1 from claimed) as claimed, (select delivery_error from refused) as refused`,
};

/**
 * Claim an outbound message for an API send if the platform's reply window allows it, in one
 * statement. `claimed` — send it; `refused` — the window is closed or used up, and the message is
 * now `failed` with that reason; neither — another sender has it. Without `window` it is a plain
 * claim. `now` is the caller's clock (the window is measured from it, as the platform does).
 */
export async function claimWithinWindow(
  db: Database,
  input: { messageId: string; conversationId: string; platformUserId: string; window?: ReplyWindowLimit; now: number },
): Promise<{ claimed: boolean; refused?: 'reply_window_closed' | 'reply_count_exceeded' }> {
  const [row] = await sqlRunnerOf(db).query<{ claimed: boolean; refused: 'reply_window_closed' | 'reply_count_exceeded' | null }>(
    claimWithinWindowStatement,
    [
      input.messageId,
      input.conversationId,
      input.platformUserId,
      input.window?.durationMs ?? null,
      input.window?.maxMessages ?? null,
      new Date(input.now),
    ],
  );
  return { claimed: row?.claimed === true, ...(row?.refused ? { refused: row.refused } : {}) };
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

/** Conversations with outbound messages created before `before` and not yet delivered (crash recovery). */
export async function conversationsWithUndelivered(db: Database, before: Date = new Date()): Promise<string[]> {
  const rows = await db
    .selectDistinct({ conversationId: messages.conversationId })
    .from(messages)
    .where(and(eq(messages.direction, 'outbound'), inArray(messages.deliveryStatus, ['queued', 'sending']), lt(messages.createdAt, before)));
  return rows.map((row) => row.conversationId);
}
