/**
 * Intents with a fixed reply get it instead of a knowledge-base search: greetings, thanks and
 * goodbyes (which would otherwise match "你好" against some FAQ or fall back with an apology), and
 * whatever a workspace defined as an intent's `reply` (in `kefu.config.json` or through the API).
 */
import type { BotMiddleware } from '../bot/context.ts';
import { intentOf } from './intent-detection.ts';

export interface IntentRepliesOptions {
  /** The fixed reply for an intent in a workspace, if any (see `WorkspaceIntents.replyFor`). */
  replyFor: (workspaceId: string, intent: string) => string | undefined | Promise<string | undefined>;
  /** Below this confidence the intent is not trusted enough to answer; default 0.5. */
  minConfidence?: number;
}

export function intentReplies(options: IntentRepliesOptions): BotMiddleware {
  const minConfidence = options.minConfidence ?? 0.5;
  return async function intentRepliesMiddleware(ctx, next) {
    const intent = intentOf(ctx.state);
    const text = intent && intent.confidence >= minConfidence ? await options.replyFor(ctx.workspaceId, intent.intent) : undefined;
    if (!text) return next();
    ctx.reply({ parts: [{ type: 'text', text }], intent: intent!.intent, confidence: intent!.confidence });
  };
}
