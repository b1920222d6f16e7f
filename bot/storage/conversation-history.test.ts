/**
 * The last turns of a conversation, as the follow-up rewriting sees them: the customer's earlier
 * messages and the bot's replies in order, without the current message, later ones still waiting,
 * failed sends or turns from long ago.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { directTextMessage } from '../../test/support/inbound-message.ts';
import { createTestDatabase, testDrivers } from '../../test/support/services.ts';
import { recentTurns } from './conversation-history.ts';
import type { DatabaseHandle } from './database.ts';
import { persistInbound } from './inbound-repository.ts';
import { completeInbound } from './outbox-repository.ts';
import { channelAccounts, messages, workspaces } from './schema.ts';

const inbound = directTextMessage;

describe.each(await testDrivers())('recentTurns on %s', (driver) => {
  let database: DatabaseHandle;

  /** Store a customer message and, unless `reply` is undefined, process it with that reply. */
  async function exchange(user: string, text: string, reply?: string) {
    const stored = await persistInbound(database.db, { workspaceId: 'w1', channelAccountId: 'oa-1', message: inbound(user, text), traceId: 't' });
    if (reply !== undefined) {
      const [row] = await database.db.select().from(messages).where(eq(messages.id, stored.messageId));
      await completeInbound(database.db, { inbound: row!, replies: [{ parts: [{ type: 'text', text: reply }] }], outcome: 'processed' });
    }
    return stored;
  }

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await database.db.insert(workspaces).values({ id: 'w1', name: 'W1' });
    await database.db.insert(channelAccounts).values({ id: 'oa-1', workspaceId: 'w1', type: 'wechat-official', secrets: 'x' });
  });
  afterAll(async () => database?.close());

  test('earlier exchanges in order, without the current message or the ones after it', async () => {
    await exchange('u1', '你们几点开门', '每天10:00–22:00营业。');
    await exchange('u1', '外卖送吗', '门店周边5公里可以送。');
    const current = await exchange('u1', '那周末呢？');
    await exchange('u1', '还有一个问题');
    const turns = await recentTurns(database.db, { conversationId: current.conversationId, messageId: current.messageId });
    expect(turns.map(({ role, text }) => ({ role, text }))).toEqual([
      { role: 'customer', text: '你们几点开门' },
      { role: 'bot', text: '每天10:00–22:00营业。' },
      { role: 'customer', text: '外卖送吗' },
      { role: 'bot', text: '门店周边5公里可以送。' },
    ]);
    const lastTwo = await recentTurns(database.db, { conversationId: current.conversationId, messageId: current.messageId }, { limit: 2 });
    expect(lastTwo.map((turn) => turn.text)).toEqual(['外卖送吗', '门店周边5公里可以送。']);
  });

  test('a first message has no history; old turns and failed sends do not count', async () => {
    const first = await exchange('u2', '你好');
    expect(await recentTurns(database.db, { conversationId: first.conversationId, messageId: first.messageId })).toEqual([]);
    await database.db.update(messages).set({ processingStatus: 'processed' }).where(eq(messages.id, first.messageId));
    await exchange('u2', '会员怎么积分', '消费1元积1分。');
    await database.db.update(messages).set({ deliveryStatus: 'failed' }).where(eq(messages.direction, 'outbound'));
    const current = await exchange('u2', '那怎么用？');
    const turns = await recentTurns(database.db, { conversationId: current.conversationId, messageId: current.messageId });
    expect(turns.map((turn) => turn.text)).toEqual(['你好', '会员怎么积分']);
    const later = await recentTurns(database.db, { conversationId: current.conversationId, messageId: current.messageId }, { now: () => Date.now() + 31 * 60_000 });
    expect(later).toEqual([]);
  });
});
