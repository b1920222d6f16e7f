/**
 * Keeps the bot quiet while a human owns the conversation (`pending` or `human`): the message is
 * stored and shown to staff, and the bot does not answer.
 */
import type { BotMiddleware } from '../bot/context.ts';

export function humanModeGate(): BotMiddleware {
  return async function humanModeGateMiddleware(ctx, next) {
    if (ctx.conversation.status === 'pending' || ctx.conversation.status === 'human') {
      ctx.ignored = true;
      return;
    }
    await next();
  };
}
