/** Dashboard operators and their sessions. Gathered with the other tables by `../schema.ts`. */
import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.ts';
import { workspaces } from './conversation-tables.ts';

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
