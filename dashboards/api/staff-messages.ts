/**
 * A staff member's message to the customer, written from the dashboard: the conversation is taken
 * over by the writer (a human is talking now, so the bot stays quiet — refused while another
 * operator owns it) and the message is stored in the outbox (`outbound`, `staff`, `queued`) like
 * the bot's replies, in one transaction (never a taken-over conversation without its message, nor
 * a message in a conversation another operator took meanwhile); then the caller asks the outbox sender to deliver it through the
 * platform API. The platform's reply window applies as for any API send; a refusal is recorded
 * on the message (`deliveryStatus` `failed`, `deliveryError`), which the dashboard shows.
 */
import type { Database } from '../../bot/storage/database.ts';
import { messages } from '../../bot/storage/schema.ts';
import { applyHandoffAction } from './conversation-handoff.ts';
import { messageColumns, type ConversationSummary, type MessageView } from './conversation-repository.ts';

export type StaffMessageResult =
  | { outcome: 'queued'; message: MessageView; conversation: ConversationSummary }
  | { outcome: 'taken'; conversation: ConversationSummary }
  | { outcome: 'not_found' };

export async function queueStaffMessage(
  db: Database,
  input: { workspaceId: string; conversationId: string; operatorId: string; text: string },
): Promise<StaffMessageResult> {
  return db.transaction(async (tx) => {
    const taken = await applyHandoffAction(tx, { ...input, action: 'take-over' });
    if (taken.outcome !== 'changed') return taken;
    const { conversation } = taken;
    const [row] = await tx
      .insert(messages)
      .values({
        workspaceId: input.workspaceId,
        conversationId: conversation.id,
        channelAccountId: conversation.channelAccountId,
        direction: 'outbound',
        authorKind: 'staff',
        authorOperatorId: input.operatorId,
        // A direct conversation's thread is its customer.
        platformUserId: conversation.kind === 'direct' ? conversation.platformThreadId : null,
        parts: [{ type: 'text', text: input.text }],
        deliveryStatus: 'queued',
      })
      .returning(messageColumns);
    return { outcome: 'queued' as const, message: row!, conversation };
  });
}
