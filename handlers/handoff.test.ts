/**
 * Handoff through the default pipeline: asking for a human moves a direct conversation to
 * `pending` with a confirmation; the gate keeps the bot quiet while a human is asked for or owns
 * the conversation, and gives it back to the bot when nobody took it over in time.
 */
import { describe, expect, test } from 'vitest';
import { textOf } from '../bot/model.ts';
import { directTextContext } from '../test/support/bot-context.ts';
import { demoPipeline } from '../test/support/demo-pipeline.ts';
import { defaultHandoffReply } from './handoff.ts';
import { defaultPendingExpiredNotice } from './human-mode-gate.ts';

const ownReply = '好的，已通知店长，营业时间内 5 分钟内回复您。';
const pipeline = demoPipeline(
  [{ workspace: 'own-words', name: 'human_agent', examples: ['转人工', '我要人工客服', '找个真人'], keywords: ['转人工', '人工客服'], patterns: ['^人工$'], reply: ownReply }],
  { handoff: { pendingTimeoutMs: 10 * 60_000 } },
);

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const texts = (ctx: ReturnType<typeof directTextContext>) => ctx.replies.map((reply) => textOf(reply.parts));

describe('handoff', () => {
  test.each(['转人工', '人工', '我要人工客服', '找真人'])('%s asks for a human: confirmed, and the conversation waits for one', async (message) => {
    const ctx = directTextContext('shop', message);
    await pipeline(ctx);
    expect(ctx.statusChange).toBe('pending');
    expect(texts(ctx)).toEqual([defaultHandoffReply]);
    expect(ctx.replies[0]!.intent).toBe('human_agent');
  });

  test('a workspace’s own reply for the intent is its confirmation', async () => {
    const ctx = directTextContext('own-words', '转人工');
    await pipeline(ctx);
    expect(ctx.statusChange).toBe('pending');
    expect(texts(ctx)).toEqual([ownReply]);
  });

  test('in a group the request goes on down the pipeline (group handoff is per customer, not built yet)', async () => {
    const ctx = directTextContext('shop', '转人工', { conversation: { kind: 'group' } });
    await pipeline(ctx);
    expect(ctx.statusChange).toBeUndefined();
  });

  test('while a human is asked for or owns the conversation, the bot stays quiet', async () => {
    for (const conversation of [
      { status: 'pending' as const, statusChangedAt: minutesAgo(9) },
      { status: 'human' as const, statusChangedAt: minutesAgo(600) },
    ]) {
      const ctx = directTextContext('shop', '你们几点关门', { conversation });
      await pipeline(ctx);
      expect(ctx.ignored).toBe(true);
      expect(ctx.replies).toEqual([]);
      expect(ctx.statusChange).toBeUndefined();
    }
  });

  test('a request nobody took up in time gives the conversation back to the bot, which says so and answers', async () => {
    const ctx = directTextContext('shop', '你们几点关门', { conversation: { status: 'pending', statusChangedAt: minutesAgo(11) } });
    await pipeline(ctx);
    expect(ctx.statusChange).toBe('bot');
    const [notice, answer] = texts(ctx);
    expect(notice).toBe(defaultPendingExpiredNotice);
    expect(answer).toContain('10:00–22:00');
  });

  test('asking again after the wait ran out starts a new wait, without the notice', async () => {
    const ctx = directTextContext('shop', '转人工', { conversation: { status: 'pending', statusChangedAt: minutesAgo(30) } });
    await pipeline(ctx);
    expect(ctx.statusChange).toBe('pending');
    expect(texts(ctx)).toEqual([defaultHandoffReply]);
  });

  test('a resolved conversation whose customer writes again is the bot’s again', async () => {
    const ctx = directTextContext('shop', '你们几点关门', { conversation: { status: 'resolved' } });
    await pipeline(ctx);
    expect(ctx.statusChange).toBe('bot');
    expect(texts(ctx)).toHaveLength(1);
    expect(texts(ctx)[0]).toContain('10:00–22:00');
    const again = directTextContext('shop', '转人工', { conversation: { status: 'resolved' } });
    await pipeline(again);
    expect(again.statusChange).toBe('pending');
  });
});
