/**
 * Inbound intake and the outbox on both drivers: dedup under concurrency, identity merging,
 * idempotent completion, and exclusive delivery claims.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { InboundMessage } from '../model.ts';
import { createTestDatabase, testDrivers } from '../../test/support/services.ts';
import type { DatabaseHandle } from './database.ts';
import { storeInboundBatch } from './inbound-batch-store.ts';
import { pendingInbound, persistInbound } from './inbound-repository.ts';
import { claimPassiveReply, claimWithinWindow, completeInbound, markSent, undeliveredOutbound } from './outbox-repository.ts';
import { channelAccounts, contacts, conversations, identities, messages, workspaces } from './schema.ts';
import { sqlRunnerOf, type SqlRunner } from './sql-runner.ts';

let counter = 0;
const inbound = (overrides: Partial<InboundMessage> = {}): InboundMessage => ({
  platformMessageId: `m${Date.now()}${(counter += 1)}`,
  platformUserId: 'user-1',
  platformThreadId: 'user-1',
  conversationKind: 'direct',
  fromSelf: false,
  mentions: [],
  mentionsBot: false,
  parts: [{ type: 'text', text: '你好' }],
  sentAt: new Date(),
  raw: { MsgId: '6054768590064713728' },
  ...overrides,
});

describe.each(await testDrivers())('message repositories on %s', (driver) => {
  let database: DatabaseHandle;
  const persist = (message: InboundMessage, channelAccountId = 'oa-1') =>
    persistInbound(database.db, { workspaceId: 'w1', channelAccountId, message, traceId: 't' });

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await database.db.insert(workspaces).values({ id: 'w1', name: 'W1' });
    await database.db.insert(channelAccounts).values([
      { id: 'oa-1', workspaceId: 'w1', type: 'wechat-official', secrets: 'x' },
      { id: 'oa-2', workspaceId: 'w1', type: 'wechat-official', secrets: 'x' },
    ]);
  });
  afterAll(async () => database?.close());

  test('the same platform message delivered concurrently is stored once', async () => {
    const message = inbound({ platformUserId: 'dup-user', platformThreadId: 'dup-user' });
    const results = await Promise.all([persist(message), persist(message), persist(message)]);
    expect(new Set(results.map((r) => r.messageId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const rows = await database.db.select().from(messages).where(eq(messages.platformMessageId, message.platformMessageId));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.raw).toEqual({ MsgId: '6054768590064713728' });
  });

  test('one platform user gets one contact and one conversation; messages keep arrival order', async () => {
    const a = await persist(inbound({ platformUserId: 'order-user', platformThreadId: 'order-user', parts: [{ type: 'text', text: '一' }] }));
    const b = await persist(inbound({ platformUserId: 'order-user', platformThreadId: 'order-user', parts: [{ type: 'text', text: '二' }] }));
    expect(b.contactId).toBe(a.contactId);
    expect(b.conversationId).toBe(a.conversationId);
    const pending = await pendingInbound(database.db, a.conversationId);
    expect(pending.map((m) => m.parts[0])).toEqual([{ type: 'text', text: '一' }, { type: 'text', text: '二' }]);
  });

  test('identities with the same unionid merge into one contact across channel accounts', async () => {
    const first = await persist(inbound({ platformUserId: 'openid-a', platformThreadId: 'openid-a', unionId: 'union-1' }), 'oa-1');
    const second = await persist(inbound({ platformUserId: 'openid-b', platformThreadId: 'openid-b', unionId: 'union-1' }), 'oa-2');
    expect(second.contactId).toBe(first.contactId);
    expect(second.conversationId).not.toBe(first.conversationId);
    const ids = await database.db.select().from(identities).where(eq(identities.contactId, first.contactId));
    expect(ids.map((i) => i.channelAccountId).sort()).toEqual(['oa-1', 'oa-2']);
    expect(await database.db.select().from(contacts).where(eq(contacts.id, first.contactId))).toHaveLength(1);
  });

  // Another process stores the new follower's identity while this one's statement runs: the
  // statement waits on the identity's unique key, inserts nothing for the message, and the store
  // runs once more for it, which finds the other process's contact.
  test.skipIf(driver !== 'postgres')('a sender whose identity another process stores first gets that contact', async () => {
    const runner = sqlRunnerOf(database.db);
    const statements: string[] = [];
    const counting: SqlRunner = { query: (statement, params) => (statements.push(statement.name), runner.query(statement, params)) };
    const message = inbound({ platformUserId: 'racer', platformThreadId: 'racer' });
    const theirs = randomUUID();
    let stored: ReturnType<typeof storeInboundBatch> | undefined;
    await database.db.transaction(async (tx) => {
      await tx.insert(contacts).values({ id: theirs, workspaceId: 'w1' });
      await tx.insert(identities).values({ workspaceId: 'w1', contactId: theirs, channelAccountId: 'oa-1', platformUserId: 'racer' });
      stored = storeInboundBatch(counting, [{ workspaceId: 'w1', channelAccountId: 'oa-1', message, traceId: 't' }]);
      // Commit only once our statement waits for this transaction's identity row.
      await expect
        .poll(async () => {
          const rows = await database.db.execute<{ waiting: number }>(
            sql`select count(*)::int as waiting from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
          );
          return (rows as unknown as { rows: Array<{ waiting: number }> }).rows[0]?.waiting;
        })
        .toBe(1);
    });
    const [result] = await stored!;
    expect(result).toMatchObject({ contactId: theirs, duplicate: false });
    expect(statements.filter((name) => name === 'kefu_inbound_store')).toHaveLength(2);
    const rows = await database.db.select().from(messages).where(eq(messages.platformMessageId, message.platformMessageId));
    expect(rows.map((row) => row.contactId)).toEqual([theirs]);
  });

  test('a message sent earlier than the last one stored does not move the reply window back', async () => {
    const later = new Date('2026-12-03T10:00:00Z');
    const first = await persist(inbound({ platformUserId: 'window-user', platformThreadId: 'window-user', sentAt: later }));
    await persist(inbound({ platformUserId: 'window-user', platformThreadId: 'window-user', sentAt: new Date('2026-12-03T09:00:00Z') }));
    const [conversation] = await database.db.select().from(conversations).where(eq(conversations.id, first.conversationId));
    expect(conversation?.lastInboundAt?.toISOString()).toBe(later.toISOString());
  });

  test('completing a message twice writes its replies once', async () => {
    const stored = await persist(inbound({ platformUserId: 'done-user', platformThreadId: 'done-user' }));
    const [row] = await pendingInbound(database.db, stored.conversationId);
    const replies = [
      { parts: [{ type: 'text' as const, text: '答' }], intent: 'faq', confidence: 0.75, citations: [{ id: 'hours', title: '营业时间' }] },
      { parts: [{ type: 'text' as const, text: '二' }], mentions: ['staff-1'] },
      { parts: [{ type: 'text' as const, text: '三' }] },
    ];
    expect(await completeInbound(database.db, { inbound: row!, replies, outcome: 'processed' })).toBe(true);
    expect(await completeInbound(database.db, { inbound: row!, replies, outcome: 'processed' })).toBe(false);
    const outbound = await undeliveredOutbound(database.db, stored.conversationId);
    expect(outbound.map((message) => message.parts)).toEqual(replies.map((reply) => reply.parts));
    expect(outbound[0]).toMatchObject({
      replyToId: row!.id,
      deliveryStatus: 'queued',
      direction: 'outbound',
      platformUserId: 'done-user',
      intent: 'faq',
      confidence: 0.75,
      citations: [{ id: 'hours', title: '营业时间' }],
    });
    expect(outbound[1]).toMatchObject({ mentions: ['staff-1'], intent: null, citations: null });
    expect(await pendingInbound(database.db, stored.conversationId)).toHaveLength(0);
  });

  test('a status change the pipeline asked for is committed with the mark, unless the conversation moved meanwhile', async () => {
    const statusOf = async (conversationId: string) =>
      (await database.db.select().from(conversations).where(eq(conversations.id, conversationId)))[0]!;
    const asked = await persist(inbound({ platformUserId: 'handoff-user', platformThreadId: 'handoff-user' }));
    const [first] = await pendingInbound(database.db, asked.conversationId);
    const confirmation = [{ parts: [{ type: 'text' as const, text: '正在为您转接' }] }];
    await completeInbound(database.db, {
      inbound: first!,
      replies: confirmation,
      outcome: 'processed',
      statusChange: { from: 'bot', to: 'pending', announceHandoff: true },
    });
    const pending = await statusOf(asked.conversationId);
    expect(pending.status).toBe('pending');
    expect(pending.statusChangedAt).toBeInstanceOf(Date);
    // Staff are yet to be told, and the commit says which message asked (the recovery sweep's key).
    expect(pending.handoffNoticeMessageId).toBe(first!.id);

    // An operator takes it over while the next message is in the pipeline, which saw `pending`
    // and asks for `bot` (say, the wait ran out): the operator's change stands.
    await persist(inbound({ platformUserId: 'handoff-user', platformThreadId: 'handoff-user' }));
    const [second] = await pendingInbound(database.db, asked.conversationId);
    await database.db.update(conversations).set({ status: 'human' }).where(eq(conversations.id, asked.conversationId));
    expect(
      await completeInbound(database.db, { inbound: second!, replies: [], outcome: 'processed', statusChange: { from: 'pending', to: 'bot' } }),
    ).toBe(true);
    expect((await statusOf(asked.conversationId)).status).toBe('human');

    // A change without replies still applies (and a completed message changes nothing again).
    await database.db.update(conversations).set({ status: 'pending' }).where(eq(conversations.id, asked.conversationId));
    await persist(inbound({ platformUserId: 'handoff-user', platformThreadId: 'handoff-user' }));
    const [third] = await pendingInbound(database.db, asked.conversationId);
    await completeInbound(database.db, { inbound: third!, replies: [], outcome: 'processed', statusChange: { from: 'pending', to: 'bot' } });
    expect((await statusOf(asked.conversationId)).status).toBe('bot');
    await completeInbound(database.db, {
      inbound: third!,
      replies: [],
      outcome: 'processed',
      statusChange: { from: 'bot', to: 'pending', announceHandoff: true },
    });
    expect((await statusOf(asked.conversationId)).status).toBe('bot');
    // A handoff that did not apply awaits no notice: the column still names the first handoff's message.
    expect((await statusOf(asked.conversationId)).handoffNoticeMessageId).toBe(first!.id);
  });

  test('a reply is claimed by the passive path or the API sender, never both', async () => {
    const stored = await persist(inbound({ platformUserId: 'claim-user', platformThreadId: 'claim-user' }));
    const [row] = await pendingInbound(database.db, stored.conversationId);
    await completeInbound(database.db, { inbound: row!, replies: [{ parts: [{ type: 'text', text: 'x' }] }], outcome: 'processed' });
    const [reply] = await undeliveredOutbound(database.db, stored.conversationId);
    const [passive, api] = await Promise.all([
      claimPassiveReply(database.db, row!.id),
      claimWithinWindow(database.db, { messageId: reply!.id, conversationId: stored.conversationId, platformUserId: 'claim-user', now: Date.now() }),
    ]);
    expect(Number(passive !== undefined) + Number(api.claimed)).toBe(1);
    expect(await claimPassiveReply(database.db, row!.id)).toBeUndefined();
  });

  test('the API claim honours the reply window: sends per customer message, the window closing, and leaves another sender\'s reply alone', async () => {
    const window = { durationMs: 60_000, maxMessages: 2 };
    const stored = await persist(inbound({ platformUserId: 'window-user', platformThreadId: 'window-user' }));
    const [row] = await pendingInbound(database.db, stored.conversationId);
    const text = (t: string) => ({ parts: [{ type: 'text' as const, text: t }] });
    await completeInbound(database.db, { inbound: row!, replies: [text('1'), text('2'), text('3'), text('4')], outcome: 'processed' });
    const replies = await undeliveredOutbound(database.db, stored.conversationId);
    const claim = (messageId: string, now = Date.now()) =>
      claimWithinWindow(database.db, { messageId, conversationId: stored.conversationId, platformUserId: 'window-user', window, now });
    const statusOf = async (id: string) => (await database.db.select().from(messages).where(eq(messages.id, id)))[0]!;

    // Two sends fit; each is claimed and then sent.
    for (const reply of replies.slice(0, 2)) {
      expect(await claim(reply.id)).toEqual({ claimed: true });
      await markSent(database.db, reply.id, `p-${reply.id}`);
    }
    // The third is refused and recorded as such, not left queued.
    expect(await claim(replies[2]!.id)).toEqual({ claimed: false, refused: 'reply_count_exceeded' });
    expect(await statusOf(replies[2]!.id)).toMatchObject({ deliveryStatus: 'failed', deliveryError: 'reply_count_exceeded', deliveryAttempts: 0 });
    // An hour later the window has closed.
    expect(await claim(replies[3]!.id, Date.now() + 3_600_000)).toEqual({ claimed: false, refused: 'reply_window_closed' });
    expect(await statusOf(replies[3]!.id)).toMatchObject({ deliveryStatus: 'failed', deliveryError: 'reply_window_closed' });
    // A reply already sent by someone else is neither claimed nor marked failed.
    expect(await claim(replies[0]!.id, Date.now() + 3_600_000)).toEqual({ claimed: false });
    expect(await statusOf(replies[0]!.id)).toMatchObject({ deliveryStatus: 'sent' });
  });

  test('without a window the API claim is a plain claim; a customer who never wrote has no window', async () => {
    const stored = await persist(inbound({ platformUserId: 'plain-user', platformThreadId: 'plain-user' }));
    const [row] = await pendingInbound(database.db, stored.conversationId);
    await completeInbound(database.db, { inbound: row!, replies: [{ parts: [{ type: 'text', text: 'a' }] }, { parts: [{ type: 'text', text: 'b' }] }], outcome: 'processed' });
    const [first, second] = await undeliveredOutbound(database.db, stored.conversationId);
    const base = { conversationId: stored.conversationId, now: Date.now() };
    expect(await claimWithinWindow(database.db, { ...base, messageId: first!.id, platformUserId: 'plain-user' })).toEqual({ claimed: true });
    expect(await claimWithinWindow(database.db, { ...base, messageId: second!.id, platformUserId: 'nobody', window: { durationMs: 60_000, maxMessages: 5 } })).toEqual({
      claimed: false,
      refused: 'reply_window_closed',
    });
  });
});
