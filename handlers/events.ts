/**
 * Platform events: a new follower gets the welcome message; other events (unsubscribe, menu
 * views, location reports) need no answer and stop here.
 */
import type { BotMiddleware } from '../bot/context.ts';

export interface EventsOptions {
  welcome?: string;
}

export function handleEvents(options: EventsOptions = {}): BotMiddleware {
  const welcome =
    options.welcome ?? '你好，欢迎关注！我是智能客服，可以回答营业时间、配送、退款、会员积分等问题，直接发消息问我就好～';
  return async function handleEventsMiddleware(ctx, next) {
    const event = ctx.event;
    if (!event) return next();
    if (event === 'subscribe' || event === 'enter_chat' || event === 'enter_session') {
      ctx.reply({ parts: [{ type: 'text', text: welcome }], intent: 'welcome' });
      return;
    }
    ctx.ignored = true;
  };
}
