/**
 * The relational schema, shared unchanged by PGlite (embedded) and PostgreSQL (production).
 * Every row carries `workspace_id`; every query in the repositories filters on it.
 * Migrations in `./migrations` are generated from this file with `npm run db:generate`.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Citation, ContentPart } from '../model.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

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

/** Jobs of the embedded queue (`bot/ports/database-queue.ts`). Unused in production mode. */
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    queue: text('queue').notNull(),
    name: text('name').notNull(),
    jobKey: text('job_key').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<'waiting' | 'active' | 'completed' | 'failed'>().notNull(),
    attempt: integer('attempt').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    backoffMs: integer('backoff_ms').notNull(),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('jobs_live_key_uq')
      .on(table.queue, table.jobKey)
      .where(sql`status in ('waiting', 'active')`),
    index('jobs_due_idx').on(table.queue, table.status, table.runAt),
  ],
);

/** Dashboard users. `role`: admin, operator, staff, viewer. */
export const operators = pgTable(
  'operators',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id),
    username: text('username').notNull(),
    displayName: text('display_name'),
    passwordHash: text('password_hash').notNull(),
    role: text('role').$type<'admin' | 'operator' | 'staff' | 'viewer'>().notNull(),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [uniqueIndex('operators_username_uq').on(table.username)],
);

/** Dashboard sessions; `id` is the SHA-256 of the bearer token, never the token itself. */
export const operatorSessions = pgTable(
  'operator_sessions',
  {
    id: text('id').primaryKey(),
    operatorId: uuid('operator_id').notNull().references(() => operators.id),
    workspaceId: text('workspace_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    index('operator_sessions_operator_idx').on(table.operatorId),
    index('operator_sessions_expires_idx').on(table.expiresAt),
  ],
);

export const knowledgeBases = pgTable(
  'knowledge_bases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id').notNull().references(() => workspaces.id),
    name: text('name').notNull(),
    /** The version customers are answered from; null until the first publish. */
    publishedVersionId: uuid('published_version_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [uniqueIndex('knowledge_bases_workspace_name_uq').on(table.workspaceId, table.name)],
);

/**
 * A snapshot of a knowledge base: `draft` (editable, at most one per base), `published` (at most
 * one per base), or `archived`. Published and archived versions are never changed; a rollback
 * publishes a copy. A draft's number is provisional until it is published.
 */
export const knowledgeVersions = pgTable(
  'knowledge_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id').notNull(),
    knowledgeBaseId: uuid('knowledge_base_id').notNull().references(() => knowledgeBases.id),
    number: integer('number').notNull(),
    status: text('status').$type<'draft' | 'published' | 'archived'>().notNull(),
    /** The version this one started as a copy of (a draft's published version, a rollback's target). */
    basedOnVersionId: uuid('based_on_version_id'),
    /** Operator who opened the draft (null: CLI import or start-up bootstrap). */
    createdBy: uuid('created_by'),
    /** Operator who published it (null: CLI import or start-up bootstrap). */
    publishedBy: uuid('published_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('knowledge_versions_number_uq').on(table.knowledgeBaseId, table.number),
    uniqueIndex('knowledge_versions_one_draft_uq').on(table.knowledgeBaseId).where(sql`status = 'draft'`),
    uniqueIndex('knowledge_versions_one_published_uq').on(table.knowledgeBaseId).where(sql`status = 'published'`),
  ],
);

/**
 * A retrievable unit in one version: an FAQ entry (question + variants + answer) or a document
 * chunk (answer = passage text, question empty). `entry_key` is stable across versions.
 */
export const knowledgeEntries = pgTable(
  'knowledge_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id').notNull(),
    knowledgeBaseId: uuid('knowledge_base_id').notNull(),
    versionId: uuid('version_id').notNull().references(() => knowledgeVersions.id),
    entryKey: text('entry_key').notNull(),
    kind: text('kind').$type<'faq' | 'chunk'>().notNull(),
    question: text('question').notNull().default(''),
    variants: jsonb('variants').$type<string[]>().notNull().default([]),
    answer: text('answer').notNull(),
    category: text('category'),
    sourceName: text('source_name'),
    /** Where in the source the entry came from (line, heading path, page). */
    position: jsonb('position').$type<Record<string, unknown>>(),
    contentHash: text('content_hash').notNull(),
    embedding: jsonb('embedding').$type<{ model: string; dimensions: number; vector: number[] }>(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('knowledge_entries_version_key_uq').on(table.versionId, table.entryKey),
    index('knowledge_entries_workspace_idx').on(table.workspaceId),
  ],
);

/** A knowledge base's golden set: customer phrasings and the entry keys that answer them. */
export const knowledgeGoldenQueries = pgTable(
  'knowledge_golden_queries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id').notNull(),
    knowledgeBaseId: uuid('knowledge_base_id').notNull().references(() => knowledgeBases.id),
    /** Order of the rows as given. */
    position: integer('position').notNull(),
    query: text('query').notNull(),
    expectedKeys: jsonb('expected_keys').$type<string[]>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('knowledge_golden_queries_base_idx').on(table.knowledgeBaseId, table.position)],
);

/** A query of a golden run whose first hit was not an expected entry, and what came instead. */
export interface GoldenMiss {
  query: string;
  expectedKeys: string[];
  /** 1-based rank of the best expected entry within the first 10 hits; null when absent. */
  expectedRank: number | null;
  /** The first hits retrieved instead. */
  retrieved: Array<{ key: string; question: string; score: number }>;
}

/** One evaluation of a knowledge base's golden set against one of its versions. */
export const knowledgeGoldenRuns = pgTable(
  'knowledge_golden_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: text('workspace_id').notNull(),
    knowledgeBaseId: uuid('knowledge_base_id').notNull().references(() => knowledgeBases.id),
    versionId: uuid('version_id').notNull().references(() => knowledgeVersions.id),
    /**
     * What started it: `publish`, `rollback`, `import` (published by an import), `manual` or
     * `lexicon` (the workspace lexicon changed; the run is of the published version).
     */
    trigger: text('trigger').$type<'publish' | 'rollback' | 'import' | 'manual' | 'lexicon'>().notNull(),
    /** Operator who caused it (null: CLI or start-up). */
    operatorId: uuid('operator_id'),
    queries: integer('queries').notNull(),
    hitAt1: doublePrecision('hit_at_1').notNull(),
    hitAt5: doublePrecision('hit_at_5').notNull(),
    mrrAt10: doublePrecision('mrr_at_10').notNull(),
    misses: jsonb('misses').$type<GoldenMiss[]>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('knowledge_golden_runs_base_created_idx').on(table.knowledgeBaseId, table.createdAt)],
);

/** One synonym of a workspace lexicon: `variant` is read as `canonical` at index and query time. */
export interface LexiconSynonym {
  variant: string;
  canonical: string;
}

/**
 * A workspace's retrieval vocabulary (`knowledge/lexicon/`): its own words, kept whole by
 * segmentation, and synonyms. One row per workspace, replaced as a whole; `revision` grows with
 * every change and is part of the published-knowledge stamp, so every process rebuilds its index.
 */
export const workspaceLexicons = pgTable('workspace_lexicons', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id),
  words: jsonb('words').$type<string[]>().notNull().default([]),
  /** An array, not an object: jsonb does not keep the keys of an object in order. */
  synonyms: jsonb('synonyms').$type<LexiconSynonym[]>().notNull().default([]),
  revision: integer('revision').notNull().default(1),
  /** Operator who made the last change (null: CLI). */
  updatedBy: uuid('updated_by'),
  updatedAt: updatedAt(),
});

/** One intent of a workspace's API-managed list, as stored (see `knowledge/intents/workspace-intent-store.ts`). */
export interface StoredIntentDefinition {
  name: string;
  description?: string;
  examples: string[];
  keywords?: string[];
  patterns?: string[];
  reply?: string;
}

/** An entry of a workspace's API-managed list switching off an intent it inherits (starter or configured). */
export interface StoredDisabledIntent {
  name: string;
  disabled: true;
}

/**
 * A workspace's own intents managed through the dashboard API (`knowledge/intents/`). One row per
 * workspace holding the whole list in order, replaced as a whole like the lexicon: a detector is
 * trained on the whole list, so the list is the unit that is checked, stored and versioned.
 * `revision` grows with every change; every process compares it with the one its detector was
 * trained on at its stamp check and retrains on a change.
 */
export const workspaceIntents = pgTable('workspace_intents', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id),
  intents: jsonb('intents').$type<Array<StoredIntentDefinition | StoredDisabledIntent>>().notNull().default([]),
  revision: integer('revision').notNull().default(1),
  /** Operator who made the last change (null: CLI). */
  updatedBy: uuid('updated_by'),
  updatedAt: updatedAt(),
});
