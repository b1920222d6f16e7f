/**
 * Operators' handoff actions on a conversation, each one UPDATE scoped to the workspace:
 * - `take-over`: a human owns it (`human`, assigned to the caller) — the bot stays quiet. Refused
 *   while another operator owns it; taking over one's own conversation again changes nothing.
 * - `hand-back`: the bot answers again (`bot`, no assignee).
 * - `resolve`: done (`resolved`, the assignee kept as who resolved it); the customer's next message
 *   is the bot's again.
 * `status_changed_at` moves only when the status (or, taking over, the owner) does.
 */
import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { Database } from '../../bot/storage/database.ts';
import { conversations } from '../../bot/storage/schema.ts';
import { conversationColumns, findConversation, type ConversationSummary } from './conversation-repository.ts';
import { isUuid } from './ids.ts';

export const handoffActions = ['take-over', 'hand-back', 'resolve'] as const;
export type HandoffAction = (typeof handoffActions)[number];

export type HandoffResult =
  | { outcome: 'changed'; conversation: ConversationSummary }
  | { outcome: 'taken'; conversation: ConversationSummary }
  | { outcome: 'not_found' };

export async function applyHandoffAction(
  db: Database,
  input: { workspaceId: string; conversationId: string; operatorId: string; action: HandoffAction },
): Promise<HandoffResult> {
  if (!isUuid(input.conversationId)) return { outcome: 'not_found' };
  const scope = and(eq(conversations.workspaceId, input.workspaceId), eq(conversations.id, input.conversationId));
  const changedSince = (status: string, also?: ReturnType<typeof sql>) =>
    sql`case when ${conversations.status} <> ${status}${also ? sql` or ${also}` : sql``} then now() else ${conversations.statusChangedAt} end`;
  let rows: ConversationSummary[];
  if (input.action === 'take-over') {
    rows = await db
      .update(conversations)
      .set({
        status: 'human',
        assigneeId: input.operatorId,
        statusChangedAt: changedSince('human', sql`${conversations.assigneeId} is distinct from ${input.operatorId}::uuid`),
        updatedAt: sql`now()`,
      })
      .where(and(scope, or(ne(conversations.status, 'human'), isNull(conversations.assigneeId), eq(conversations.assigneeId, input.operatorId))))
      .returning(conversationColumns);
    if (rows.length === 0) {
      const current = await findConversation(db, { workspaceId: input.workspaceId, id: input.conversationId });
      return current ? { outcome: 'taken', conversation: current } : { outcome: 'not_found' };
    }
  } else {
    const status = input.action === 'hand-back' ? 'bot' : 'resolved';
    rows = await db
      .update(conversations)
      .set({
        status,
        ...(status === 'bot' ? { assigneeId: null } : {}),
        statusChangedAt: changedSince(status),
        updatedAt: sql`now()`,
      })
      .where(scope)
      .returning(conversationColumns);
  }
  const [conversation] = rows;
  return conversation ? { outcome: 'changed', conversation } : { outcome: 'not_found' };
}
