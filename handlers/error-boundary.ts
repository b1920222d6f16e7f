/**
 * Outermost stage: a failing handler is logged with its context, its partial replies are dropped
 * and the customer gets an apology instead of silence. The failure never reaches the platform's
 * HTTP response (ingress acknowledged long before).
 */
import type { BotMiddleware } from '../bot/context.ts';

export interface ErrorBoundaryOptions {
  /** What the customer sees when a handler fails. */
  apology?: string;
}

export function errorBoundary(options: ErrorBoundaryOptions = {}): BotMiddleware {
  const apology = options.apology ?? '抱歉，系统开小差了，请稍后再试，或回复“人工”联系客服。';
  return async function errorBoundaryMiddleware(ctx, next) {
    try {
      await next();
    } catch (error) {
      ctx.log.error({ err: error, conversationId: ctx.conversation.id, messageId: ctx.message.id }, 'handler failed');
      ctx.replies.length = 0;
      ctx.state.error = error instanceof Error ? error.message : String(error);
      ctx.reply({ parts: [{ type: 'text', text: apology }], intent: 'error' });
    }
  };
}
