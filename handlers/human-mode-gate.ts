/**
 * Keeps the bot quiet while a human owns the conversation (`human`) or one has been asked for
 * (`pending`): the message is stored and shown to staff, and the bot does not answer. A `resolved`
 * conversation whose customer writes again is the bot's (`bot`) from that message on.
 *
 * A `pending` conversation that nobody took over within `pendingTimeoutMs` goes back to the bot at
 * the customer's next message: the customer is told no one has joined yet, and the message is
 * answered — a customer left waiting in silence outside office hours is worse than a bot that says
 * so. Asking for a human again starts a new wait.
 */
import type { BotMiddleware } from '../bot/context.ts';

/** What the customer reads when a handoff nobody took up ends. */
export const defaultPendingExpiredNotice = '抱歉，人工客服暂时没有接入，我先继续为您服务；需要时可以再回复“人工”。';

export interface HumanModeGateOptions {
  /** How long a `pending` conversation waits for a human before the bot resumes (ms); 0 = forever. Default 10 minutes. */
  pendingTimeoutMs?: number;
  /** The notice sent when the bot resumes; default {@link defaultPendingExpiredNotice}. */
  pendingExpiredNotice?: string;
  /** Clock (tests). */
  now?: () => number;
}

export function humanModeGate(options: HumanModeGateOptions = {}): BotMiddleware {
  const pendingTimeoutMs = options.pendingTimeoutMs ?? 10 * 60_000;
  const notice = options.pendingExpiredNotice ?? defaultPendingExpiredNotice;
  const now = options.now ?? Date.now;
  return async function humanModeGateMiddleware(ctx, next) {
    const { status, statusChangedAt } = ctx.conversation;
    // A resolved conversation's customer writes again: a new request, the bot's again.
    if (status === 'resolved') ctx.changeStatus('bot');
    if (status !== 'pending' && status !== 'human') return next();
    const waitedMs = statusChangedAt ? now() - statusChangedAt.getTime() : 0;
    if (status === 'human' || pendingTimeoutMs <= 0 || waitedMs < pendingTimeoutMs) {
      ctx.ignored = true;
      return;
    }
    ctx.changeStatus('bot');
    await next();
    // Still resuming (the message did not ask for a human again): say why the bot is back first.
    if (ctx.statusChange === 'bot') ctx.replies.unshift({ parts: [{ type: 'text', text: notice }], intent: 'handoff_expired' });
    ctx.log.info({ waitedMs }, 'pending handoff expired: the bot resumed');
  };
}
