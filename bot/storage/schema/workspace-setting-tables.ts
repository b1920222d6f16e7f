/** A workspace's lexicon and its own intents. Gathered with the other tables by `../schema.ts`. */
import { integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { updatedAt } from './columns.ts';
import { workspaces } from './conversation-tables.ts';

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
