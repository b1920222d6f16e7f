/** Drops the platform's echo of the bot's own sends, so the bot never answers itself. */
import type { BotMiddleware } from '../bot/context.ts';

export function ignoreOwnMessages(): BotMiddleware {
  return async function ignoreOwnMessagesMiddleware(ctx, next) {
    if (ctx.message.fromSelf) {
      ctx.ignored = true;
      return;
    }
    await next();
  };
}
