/** A `BotContext` for a customer's text in a fresh direct conversation (or as `conversation` says), as the worker builds one. */
import { BotContext } from '../../bot/context.ts';
import { createLogger } from '../../bot/logger.ts';

const silent = createLogger({ level: 'silent' });
let count = 0;

export function directTextContext(
  workspaceId: string,
  text: string,
  options: { log?: BotContext['log']; conversation?: Partial<BotContext['conversation']> } = {},
): BotContext {
  count += 1;
  return new BotContext({
    workspaceId,
    channel: { id: 'web-1', type: 'web' },
    conversation: { id: `c${count}`, kind: 'direct', status: 'bot', platformThreadId: `c${count}`, ...options.conversation },
    contact: { id: `contact-${count}` },
    message: { id: `m${count}`, platformUserId: 'u', parts: [{ type: 'text', text }], mentions: [], fromSelf: false, mentionsBot: false },
    log: options.log ?? silent,
    traceId: `t${count}`,
  });
}
