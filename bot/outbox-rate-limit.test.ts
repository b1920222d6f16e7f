/**
 * The outbox's per-account send limit: sends over `sendsPerMinute` wait, each for its own slot of a
 * later minute, so a burst of refused conversations comes back spread out instead of all together.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { directTextMessage } from '../test/support/inbound-message.ts';
import { createTestDatabase } from '../test/support/services.ts';
import { createRecordingAdapter } from '../test/support/recording-adapter.ts';
import { ChannelRegistry } from './channel-registry.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { createOutboxSender, throttledDelayMs } from './outbox.ts';
import { createMemoryCache } from './ports/memory-cache.ts';
import { createMemoryLock } from './ports/memory-lock.ts';
import { RetryLaterError } from './ports/queue.ts';
import type { DatabaseHandle } from './storage/database.ts';
import { persistInbound } from './storage/inbound-repository.ts';
import { completeInbound, undeliveredOutbound } from './storage/outbox-repository.ts';
import { channelAccounts, messages, workspaces } from './storage/schema.ts';

describe('throttledDelayMs', () => {
  const minute = 60_000;
  const now = 7 * minute + 10_000; // 10 s into a minute

  test('the first refused send waits for the start of the next minute', () => {
    expect(throttledDelayMs(11, 10, now)).toBe(50_000);
  });

  test('later refusals take evenly spaced slots of that minute, then of the minutes after', () => {
    expect(throttledDelayMs(12, 10, now)).toBe(50_000 + 6_000);
    expect(throttledDelayMs(20, 10, now)).toBe(50_000 + 54_000);
    expect(throttledDelayMs(21, 10, now)).toBe(50_000 + minute);
    expect(throttledDelayMs(35, 10, now)).toBe(50_000 + 2 * minute + 24_000);
  });
});

describe('outbox send limit', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    await database.db.insert(workspaces).values({ id: 'w', name: 'W' });
    await database.db.insert(channelAccounts).values({ id: 'limited', workspaceId: 'w', type: 'web', secrets: 'x' });
  });
  afterAll(async () => {
    await database?.close();
  });

  test('over the limit a send is not made and its retry is scheduled at its own slot', async () => {
    const adapter = createRecordingAdapter('limited');
    const channels = new ChannelRegistry();
    channels.add({ adapter, workspaceId: 'w', passiveReplyBudgetMs: 0, sendsPerMinute: 2 });
    const now = 3 * 60_000 + 15_000;
    const deliver = createOutboxSender({
      db: database.db,
      lock: createMemoryLock(),
      cache: createMemoryCache(),
      channels,
      metrics: createMetrics(),
      log: createLogger({ level: 'silent' }),
      maxAttempts: 3,
      now: () => now,
    });
    const conversationIds: string[] = [];
    for (const user of ['u1', 'u2', 'u3', 'u4']) {
      const stored = await persistInbound(database.db, { workspaceId: 'w', channelAccountId: 'limited', traceId: 't', message: directTextMessage(user, 'hi') });
      await completeInbound(database.db, {
        inbound: { ...stored, id: stored.messageId, workspaceId: 'w', channelAccountId: 'limited', platformUserId: user, traceId: 't' },
        replies: [{ parts: [{ type: 'text', text: `answer for ${user}` }] }],
        outcome: 'processed',
      });
      conversationIds.push(stored.conversationId);
    }

    const outcomes: Array<number | 'sent'> = [];
    for (const conversationId of conversationIds) {
      try {
        await deliver({ id: `deliver-${conversationId}`, name: 'deliver-conversation', data: { conversationId }, attempt: 1 });
        outcomes.push('sent');
      } catch (error) {
        expect(error).toBeInstanceOf(RetryLaterError);
        outcomes.push((error as RetryLaterError).delayMs);
      }
    }
    // Two sends a minute: two go now, the third at the next minute's start, the fourth 30 s later.
    expect(outcomes).toEqual(['sent', 'sent', 45_000, 75_000]);
    expect(adapter.sent.map((s) => s.target.platformUserId)).toEqual(['u1', 'u2']);
    const [sent] = await undeliveredOutbound(database.db, conversationIds[2]!);
    expect(sent?.deliveryStatus).toBe('queued');
    const delivered = await database.db.select().from(messages).where(eq(messages.conversationId, conversationIds[0]!));
    expect(delivered.find((row) => row.direction === 'outbound')).toMatchObject({ deliveryStatus: 'sent', deliveryVia: 'api', platformMessageId: 'sent-1', deliveryAttempts: 1 });
    expect(delivered.find((row) => row.direction === 'outbound')?.sentAt).toBeInstanceOf(Date);
  });
});
