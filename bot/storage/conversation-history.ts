/**
 * The last turns of a conversation before a message, for handlers that need context (rewriting a
 * follow-up question). Only what the customer could see and what is settled counts: earlier
 * inbound messages already through the pipeline and the replies not failed for them; the
 * platform's echoes of our own sends, system rows and messages still waiting are left out.
 */
import { and, desc, eq, gte, inArray, ne, or } from 'drizzle-orm';
import { textOf } from '../model.ts';
import type { Database } from './database.ts';
import { messages } from './schema.ts';

/** One earlier message, by who wrote it. */
export interface HistoryTurn {
  role: 'customer' | 'bot' | 'staff';
  text: string;
  at: Date;
}

export interface RecentTurnsOptions {
  /** At most this many turns; default 6 (three exchanges). */
  limit?: number;
  /** Turns older than this are another conversation, not context; default 30 minutes. */
  maxAgeMs?: number;
  now?: () => number;
}

const roles = { contact: 'customer', bot: 'bot', staff: 'staff' } as const;

/** The text turns of `conversationId` before message `messageId`, oldest first. */
export async function recentTurns(
  db: Database,
  query: { conversationId: string; messageId: string },
  options: RecentTurnsOptions = {},
): Promise<HistoryTurn[]> {
  const since = new Date((options.now ?? Date.now)() - (options.maxAgeMs ?? 30 * 60_000));
  const rows = await db
    .select({ authorKind: messages.authorKind, parts: messages.parts, createdAt: messages.createdAt })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, query.conversationId),
        ne(messages.id, query.messageId),
        gte(messages.createdAt, since),
        eq(messages.fromSelf, false),
        or(
          and(eq(messages.direction, 'outbound'), ne(messages.deliveryStatus, 'failed')),
          inArray(messages.processingStatus, ['processed', 'ignored']),
        ),
      ),
    )
    .orderBy(desc(messages.sequence))
    .limit(options.limit ?? 6);
  const turns: HistoryTurn[] = [];
  for (const row of rows.reverse()) {
    if (row.authorKind === 'system') continue;
    const text = textOf(row.parts);
    if (text !== '') turns.push({ role: roles[row.authorKind], text, at: row.createdAt });
  }
  return turns;
}

/** `recentTurns` over `db`, in the shape the knowledge answer takes. */
export function createConversationHistory(
  db: Database,
  options: RecentTurnsOptions = {},
): (query: { conversationId: string; messageId: string }) => Promise<HistoryTurn[]> {
  return (query: { conversationId: string; messageId: string }): Promise<HistoryTurn[]> => recentTurns(db, query, options);
}
