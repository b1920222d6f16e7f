/** A direct text message from `user`, as an adapter parses it, with a fresh platform message id. */
import type { InboundMessage } from '../../bot/model.ts';

let counter = 0;

export function directTextMessage(user: string, text: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  counter += 1;
  return {
    platformMessageId: `m${Date.now()}-${counter}`,
    platformUserId: user,
    platformThreadId: user,
    conversationKind: 'direct',
    fromSelf: false,
    mentions: [],
    mentionsBot: false,
    parts: [{ type: 'text', text }],
    sentAt: new Date(),
    raw: { MsgId: String(counter) },
    ...overrides,
  };
}
