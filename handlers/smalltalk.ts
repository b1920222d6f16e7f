/**
 * Greetings, thanks and goodbyes get a short friendly answer instead of a knowledge-base search
 * (which would otherwise match "你好" against some FAQ or fall back with an apology).
 */
import type { BotMiddleware } from '../bot/context.ts';
import { intentOf } from './intent-detection.ts';

export const defaultSmalltalk: Record<string, string> = {
  greeting: '你好！请问有什么可以帮您？可以直接问我营业时间、配送、退款、会员积分等问题。',
  thanks: '不客气，很高兴能帮到您！还有其他问题随时问我。',
  goodbye: '好的，祝您生活愉快，再见！',
};

export function smalltalk(options: { replies?: Record<string, string>; minConfidence?: number } = {}): BotMiddleware {
  const replies = options.replies ?? defaultSmalltalk;
  const minConfidence = options.minConfidence ?? 0.5;
  return async function smalltalkMiddleware(ctx, next) {
    const intent = intentOf(ctx.state);
    const text = intent && intent.confidence >= minConfidence ? replies[intent.intent] : undefined;
    if (!text) return next();
    ctx.reply({ parts: [{ type: 'text', text }], intent: intent!.intent, confidence: intent!.confidence });
  };
}
