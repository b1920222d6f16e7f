/**
 * The relational schema, shared unchanged by PGlite (embedded) and PostgreSQL (production).
 * Every row carries `workspace_id`; every query in the repositories filters on it.
 * Migrations in `./migrations` are generated from this file with `npm run db:generate`.
 * The tables live in `./schema/`, one file per area; this module gathers them (drizzle-kit reads it).
 */
export * from './schema/conversation-tables.ts';
export * from './schema/job-tables.ts';
export * from './schema/operator-tables.ts';
export * from './schema/knowledge-tables.ts';
export * from './schema/workspace-setting-tables.ts';
