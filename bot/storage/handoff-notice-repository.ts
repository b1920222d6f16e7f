/**
 * Handoff notices still to be given: `conversations.handoff_notice_message_id` names the customer's
 * message whose handoff staff have not been told of yet. It is set in the statement that commits
 * the handoff (`completeInbound`) and cleared once the notice is posted, so a notice whose job was
 * lost (a process killed between the commit and the queue, Redis flushed) is found by the recovery
 * sweep, and one whose conversation an operator took over meanwhile is not posted at all.
 */
import { and, eq, gt, isNotNull, lt } from 'drizzle-orm';
import { textOf } from '../model.ts';
import type { Database } from './database.ts';
import { conversations, messages } from './schema.ts';

/** Which handoff: the conversation and the customer's message that asked for a human. */
export interface HandoffNoticeKey {
  conversationId: string;
  messageId: string;
}

export interface AwaitedHandoffNotice {
  workspaceId: string;
  channelAccountId: string;
  /** What the customer said when asking for a human. */
  customerText: string;
}

/** The handoff's notice, if it is still to be given: the conversation still waits for a human and no notice went out. */
export async function awaitedHandoffNotice(db: Database, key: HandoffNoticeKey): Promise<AwaitedHandoffNotice | undefined> {
  const [row] = await db
    .select({ workspaceId: conversations.workspaceId, channelAccountId: conversations.channelAccountId, parts: messages.parts })
    .from(conversations)
    .innerJoin(messages, eq(messages.id, conversations.handoffNoticeMessageId))
    .where(
      and(eq(conversations.id, key.conversationId), eq(conversations.handoffNoticeMessageId, key.messageId), eq(conversations.status, 'pending')),
    )
    .limit(1);
  return row && { workspaceId: row.workspaceId, channelAccountId: row.channelAccountId, customerText: textOf(row.parts) };
}

/** The notice was given, or is no longer wanted: nothing more to post for this handoff. */
export async function markHandoffNoticeGiven(db: Database, key: HandoffNoticeKey): Promise<void> {
  await db
    .update(conversations)
    .set({ handoffNoticeMessageId: null })
    .where(and(eq(conversations.id, key.conversationId), eq(conversations.handoffNoticeMessageId, key.messageId)));
}

/**
 * Handoffs made between `since` and `before` whose conversation still waits and whose notice was
 * never given — for the recovery sweep. Older handoffs are left alone: staff told of a customer
 * who asked hours ago would only be misled.
 */
export async function handoffNoticesAwaited(
  db: Database,
  window: { since: Date; before: Date },
): Promise<Array<HandoffNoticeKey & { workspaceId: string }>> {
  const rows = await db
    .select({ workspaceId: conversations.workspaceId, conversationId: conversations.id, messageId: conversations.handoffNoticeMessageId })
    .from(conversations)
    .where(
      and(
        eq(conversations.status, 'pending'),
        isNotNull(conversations.handoffNoticeMessageId),
        lt(conversations.statusChangedAt, window.before),
        gt(conversations.statusChangedAt, window.since),
      ),
    );
  return rows.map((row) => ({ workspaceId: row.workspaceId, conversationId: row.conversationId, messageId: row.messageId! }));
}
