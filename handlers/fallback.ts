/** Last stage: nothing above answered, so say so honestly and offer a human. */
import type { BotMiddleware } from '../bot/context.ts';

export interface FallbackOptions {
  text?: string;
}

export function fallback(options: FallbackOptions = {}): BotMiddleware {
  const text = options.text ?? '抱歉，这个问题我暂时还不会回答。您可以换个说法，或回复“人工”转接人工客服。';
  return async function fallbackMiddleware(ctx) {
    if (ctx.replies.length === 0) ctx.reply({ parts: [{ type: 'text', text }], intent: 'fallback', confidence: 0 });
  };
}
