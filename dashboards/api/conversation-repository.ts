/**
 * Read queries of the dashboard over conversations and messages, always filtered by workspace.
 * Pagination is keyset-based: conversations by `(updated_at, id)` newest first, messages by
 * `sequence` newest first. Cursors are opaque base64url strings; the timestamp inside keeps
 * PostgreSQL's microseconds, which a JavaScript `Date` would truncate (and so skip rows).
 */
import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../bot/storage/database.ts';
import { conversations, messages } from '../../bot/storage/schema.ts';
import type { ConversationStatus } from '../../bot/model.ts';
import { isUuid } from './ids.ts';

/** Every conversation status, for validation. */
export const conversationStatuses = ['bot', 'pending', 'human', 'resolved'] as const satisfies readonly ConversationStatus[];

/** One page of results and the cursor of the next page (absent on the last page). */
export interface Page<Item> {
  items: Item[];
  nextCursor?: string;
}

/** The columns of a {@link ConversationSummary}. */
export const conversationColumns = {
  id: conversations.id,
  channelAccountId: conversations.channelAccountId,
  platformThreadId: conversations.platformThreadId,
  kind: conversations.kind,
  status: conversations.status,
  statusChangedAt: conversations.statusChangedAt,
  assigneeId: conversations.assigneeId,
  team: conversations.team,
  priority: conversations.priority,
  labels: conversations.labels,
  lastInboundAt: conversations.lastInboundAt,
  createdAt: conversations.createdAt,
  updatedAt: conversations.updatedAt,
};

/** The columns of a {@link MessageView}. */
export const messageColumns = {
  id: messages.id,
  sequence: messages.sequence,
  conversationId: messages.conversationId,
  direction: messages.direction,
  authorKind: messages.authorKind,
  authorOperatorId: messages.authorOperatorId,
  contactId: messages.contactId,
  parts: messages.parts,
  mentions: messages.mentions,
  replyToId: messages.replyToId,
  deliveryStatus: messages.deliveryStatus,
  deliveryError: messages.deliveryError,
  intent: messages.intent,
  confidence: messages.confidence,
  citations: messages.citations,
  createdAt: messages.createdAt,
  sentAt: messages.sentAt,
};

/** A conversation as the dashboard lists it. */
export type ConversationSummary = Pick<typeof conversations.$inferSelect, keyof typeof conversationColumns>;
/** A message as the dashboard shows it (without the raw platform payload). */
export type MessageView = Pick<typeof messages.$inferSelect, keyof typeof messageColumns>;

const utcPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const encodeCursor = (parts: string[]) => Buffer.from(parts.join('|'), 'utf8').toString('base64url');
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8').split('|');

/** Parse a conversations cursor; undefined when it is not one this module made. */
export function parseConversationCursor(cursor: string): { updatedAt: string; id: string } | undefined {
  const [updatedAt, id, ...rest] = decodeCursor(cursor);
  if (rest.length > 0 || !updatedAt || !id || !utcPattern.test(updatedAt) || !isUuid(id)) return undefined;
  return { updatedAt, id };
}

/** Parse a messages cursor (a sequence number); undefined when invalid. */
export function parseMessageCursor(cursor: string): number | undefined {
  const [sequence, ...rest] = decodeCursor(cursor);
  return rest.length === 0 && sequence && /^\d{1,15}$/.test(sequence) ? Number(sequence) : undefined;
}

/** A page of the workspace's conversations, most recently updated first. */
export async function listConversations(
  db: Database,
  query: { workspaceId: string; limit: number; status?: ConversationStatus; cursor?: { updatedAt: string; id: string } },
): Promise<Page<ConversationSummary>> {
  const conditions: SQL[] = [eq(conversations.workspaceId, query.workspaceId)];
  if (query.status) conditions.push(eq(conversations.status, query.status));
  if (query.cursor) {
    conditions.push(
      sql`(${conversations.updatedAt}, ${conversations.id}) < (${query.cursor.updatedAt}::timestamptz, ${query.cursor.id}::uuid)`,
    );
  }
  const rows = await db
    .select({
      ...conversationColumns,
      cursorTime: sql<string>`to_char(${conversations.updatedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(conversations)
    .where(and(...conditions))
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const items = page.map(({ cursorTime: _cursorTime, ...conversation }) => conversation);
  return rows.length > query.limit && last ? { items, nextCursor: encodeCursor([last.cursorTime, last.id]) } : { items };
}

/** One conversation of the workspace, or undefined (also when it belongs to another workspace). */
export async function findConversation(
  db: Database,
  key: { workspaceId: string; id: string },
): Promise<ConversationSummary | undefined> {
  if (!isUuid(key.id)) return undefined;
  const [row] = await db
    .select(conversationColumns)
    .from(conversations)
    .where(and(eq(conversations.workspaceId, key.workspaceId), eq(conversations.id, key.id)));
  return row;
}

/** A page of a conversation's messages, newest first; the caller checks the conversation first. */
export async function listMessages(
  db: Database,
  query: { workspaceId: string; conversationId: string; limit: number; beforeSequence?: number },
): Promise<Page<MessageView>> {
  const conditions: SQL[] = [
    eq(messages.workspaceId, query.workspaceId),
    eq(messages.conversationId, query.conversationId),
  ];
  if (query.beforeSequence !== undefined) conditions.push(lt(messages.sequence, query.beforeSequence));
  const rows = await db
    .select(messageColumns)
    .from(messages)
    .where(and(...conditions))
    .orderBy(desc(messages.sequence))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return rows.length > query.limit && last ? { items, nextCursor: encodeCursor([String(last.sequence)]) } : { items };
}
