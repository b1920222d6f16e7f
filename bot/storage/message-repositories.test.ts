/**
 * Inbound intake and the outbox on both drivers: dedup under concurrency, identity merging,
 * idempotent completion, and exclusive delivery claims.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { InboundMessage } from '../model.ts';
import { createTestDatabase, testDrivers } from '../../test/support/services.ts';
import type { DatabaseHandle } from './database.ts';
import { pendingInbound, persistInbound } from './inbound-repository.ts';
import { claimForSending, claimPassiveReply, completeInbound, replyWindowUsage, undeliveredOutbound } from './outbox-repository.ts';
import { channelAccounts, contacts, identities, messages, workspaces } from './schema.ts';

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

  test('a reply is claimed by the passive path or the API sender, never both', async () => {
    const stored = await persist(inbound({ platformUserId: 'claim-user', platformThreadId: 'claim-user' }));
    const [row] = await pendingInbound(database.db, stored.conversationId);
    await completeInbound(database.db, { inbound: row!, replies: [{ parts: [{ type: 'text', text: 'x' }] }], outcome: 'processed' });
    const [reply] = await undeliveredOutbound(database.db, stored.conversationId);
    const [passive, api] = await Promise.all([claimPassiveReply(database.db, row!.id), claimForSending(database.db, reply!.id)]);
    expect(Number(passive !== undefined) + Number(api)).toBe(1);
    expect(await claimPassiveReply(database.db, row!.id)).toBeUndefined();
  });

  test('reply window usage counts API sends since the customer last wrote', async () => {
    const stored = await persist(inbound({ platformUserId: 'window-user', platformThreadId: 'window-user' }));
    const usage = await replyWindowUsage(database.db, stored.conversationId, 'window-user');
    expect(usage.lastInboundAt).toBeInstanceOf(Date);
    expect(usage.apiSendsSince).toBe(0);
    expect((await replyWindowUsage(database.db, stored.conversationId, 'nobody')).lastInboundAt).toBeUndefined();
  });
});
