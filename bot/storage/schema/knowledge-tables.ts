/** Knowledge bases, their versions and entries, golden sets and golden runs. Gathered with the other tables by `../schema.ts`. */
import { sql } from 'drizzle-orm';
import { doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.ts';
import { workspaces } from './conversation-tables.ts';

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
