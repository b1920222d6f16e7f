/** Workspaces, channel accounts, contacts and their identities, conversations, participants and messages. Gathered with the other tables by `../schema.ts`. */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Citation, ContentPart } from '../../model.ts';
import { createdAt, updatedAt } from './columns.ts';

export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

/** One connected platform account; `secrets` is AES-GCM ciphertext (see `bot/secret-box.ts`). */
export const channelAccounts = pgTable('channel_accounts', {
  id: text('id').primaryKey(),
  workspaceId: text('workspace_id').notNull().references(() => workspaces.id),
  type: text('type').notNull(),
  name: text('name'),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  secrets: text('secrets').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id),
    displayName: text('display_name'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('contacts_workspace_idx').on(table.workspaceId)],
);

/** A contact's identity on one channel account; same unionid / verified phone → same contact. */
export const identities = pgTable(
  'identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id').notNull(),
    contactId: uuid('contact_id').notNull().references(() => contacts.id),
    channelAccountId: text('channel_account_id').notNull().references(() => channelAccounts.id),
    platformUserId: text('platform_user_id').notNull(),
    unionId: text('union_id'),
    phone: text('phone'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('identities_account_user_uq').on(table.channelAccountId, table.platformUserId),
    index('identities_union_idx').on(table.workspaceId, table.unionId),
  ],
);

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id').notNull(),
    channelAccountId: text('channel_account_id').notNull().references(() => channelAccounts.id),
    platformThreadId: text('platform_thread_id').notNull(),
    kind: text('kind').$type<'direct' | 'group'>().notNull(),
    status: text('status').$type<'bot' | 'pending' | 'human' | 'resolved'>().notNull().default('bot'),
    /** When `status` last changed (null: never, the conversation is in its first status, `bot`). */
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }),
    /**
     * The inbound message whose handoff staff have yet to be told of (`bot/handoff-notifications.ts`);
     * cleared once the notice is posted. Set only where notices are configured.
     */
    handoffNoticeMessageId: uuid('handoff_notice_message_id'),
    assigneeId: uuid('assignee_id'),
    team: text('team'),
    priority: integer('priority').notNull().default(0),
    labels: jsonb('labels').$type<string[]>().notNull().default([]),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('conversations_account_thread_uq').on(table.channelAccountId, table.platformThreadId),
    index('conversations_workspace_updated_idx').on(table.workspaceId, table.updatedAt),
    // The recovery sweep's handoff notices still to give: few rows at any time.
    index('conversations_handoff_notice_idx').on(table.statusChangedAt).where(sql`${table.handoffNoticeMessageId} is not null`),
  ],
);

/** Who is in a group conversation, and in which role. */
export const participants = pgTable(
  'participants',
  {
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id),
    platformUserId: text('platform_user_id').notNull(),
    workspaceId: text('workspace_id').notNull(),
    contactId: uuid('contact_id'),
    role: text('role').$type<'customer' | 'staff' | 'bot'>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.conversationId, table.platformUserId] })],
);

/**
 * Inbound and outbound messages. Inbound rows are the durable record written before a webhook is
 * acknowledged (`processing_status` tracks the pipeline); outbound rows are the outbox
 * (`delivery_status` tracks sending). `(channel_account_id, direction, platform_message_id)` is
 * the dedup key.
 */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Arrival order; processing within a conversation follows it. */
    sequence: bigserial('sequence', { mode: 'number' }).notNull(),
    workspaceId: text('workspace_id').notNull(),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id),
    channelAccountId: text('channel_account_id').notNull(),
    direction: text('direction').$type<'inbound' | 'outbound'>().notNull(),
    authorKind: text('author_kind').$type<'contact' | 'staff' | 'bot' | 'system'>().notNull(),
    /** Staff messages: the operator who wrote it. */
    authorOperatorId: uuid('author_operator_id'),
    contactId: uuid('contact_id'),
    platformUserId: text('platform_user_id'),
    platformMessageId: text('platform_message_id'),
    parts: jsonb('parts').$type<ContentPart[]>().notNull(),
    mentions: jsonb('mentions').$type<string[]>().notNull().default([]),
    /** Inbound: the bot was @-mentioned (group chats). */
    mentionsBot: boolean('mentions_bot').notNull().default(false),
    /** Inbound: the platform's echo of the bot's own send. */
    fromSelf: boolean('from_self').notNull().default(false),
    replyToId: uuid('reply_to_id'),
    /** Inbound: received → processed | ignored. */
    processingStatus: text('processing_status').$type<'received' | 'processed' | 'ignored'>(),
    /** Outbound: queued → sending → sent | failed. */
    deliveryStatus: text('delivery_status').$type<'queued' | 'sending' | 'sent' | 'failed'>(),
    /** Outbound: `passive` (in the webhook's HTTP answer) or `api`. */
    deliveryVia: text('delivery_via').$type<'passive' | 'api'>(),
    deliveryError: text('delivery_error'),
    deliveryAttempts: integer('delivery_attempts').notNull().default(0),
    intent: text('intent'),
    confidence: doublePrecision('confidence'),
    citations: jsonb('citations').$type<Citation[]>(),
    raw: jsonb('raw'),
    traceId: text('trace_id'),
    createdAt: createdAt(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('messages_platform_id_uq').on(
      table.channelAccountId,
      table.direction,
      table.platformMessageId,
    ),
    index('messages_conversation_sequence_idx').on(table.conversationId, table.sequence),
    index('messages_pending_idx')
      .on(table.processingStatus)
      .where(sql`processing_status = 'received'`),
    index('messages_outbox_idx').on(table.deliveryStatus).where(sql`delivery_status in ('queued', 'sending')`),
    index('messages_reply_to_idx').on(table.replyToId),
  ],
);
