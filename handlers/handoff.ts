/**
 * Handoff to a human: a customer who asks for one (the `human_agent` intent: 转人工, 人工客服, 找真人…)
 * gets a short confirmation and the conversation moves to `pending` — waiting for a human. From then
 * on the human-mode gate keeps the bot quiet for that conversation, and operators find it with
 * `GET /api/v1/conversations?status=pending`, take it over and hand it back (`dashboards/api`).
 *
 * Direct conversations only: in a group, handoff state belongs to one customer within the group
 * (DESIGN.md, "The conversation model"), which comes with the group channels; until then a group
 * message asking for a human goes on down the pipeline.
 */
import type { BotMiddleware } from '../bot/context.ts';
import { intentOf } from './intent-detection.ts';

/** What the customer reads when the conversation goes to a human. */
export const defaultHandoffReply = '好的，正在为您转接人工客服，请稍候。客服接入后会在这里直接回复您。';

export interface HandoffOptions {
  /** Intents that ask for a human; default `human_agent`. */
  intents?: readonly string[];
  /** Below this confidence the intent is not trusted to hand off; default 0.5 (rules give 1). */
  minConfidence?: number;
  /** The confirmation; default {@link defaultHandoffReply}. */
  reply?: string;
  /** A workspace's own wording for the intent (its `reply`), used before `reply` when it has one. */
  replyFor?: (workspaceId: string, intent: string) => string | undefined | Promise<string | undefined>;
}

export function handOffToHuman(options: HandoffOptions = {}): BotMiddleware {
  const intents = new Set(options.intents ?? ['human_agent']);
  const minConfidence = options.minConfidence ?? 0.5;
  const reply = options.reply ?? defaultHandoffReply;
  return async function handOffToHumanMiddleware(ctx, next) {
    const intent = intentOf(ctx.state);
    if (ctx.conversation.kind !== 'direct' || !intent || !intents.has(intent.intent) || intent.confidence < minConfidence) {
      return next();
    }
    const text = (await options.replyFor?.(ctx.workspaceId, intent.intent)) || reply;
    ctx.changeStatus('pending');
    ctx.reply({ parts: [{ type: 'text', text }], intent: intent.intent, confidence: intent.confidence });
    ctx.log.info({ intent: intent.intent, source: intent.source }, 'handed off to a human');
  };
}
