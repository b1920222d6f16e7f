/**
 * The staff notice of a handoff, on a real database: posted to the robots of the conversation's
 * workspace only, once; a refusal worth another try fails the job (the queue retries) until its
 * last try; not posted when an operator took the conversation over first; and found again by the
 * recovery sweep when its job was lost between the commit and the queue.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpFetch } from '../adapters/http-fetch.ts';
import { directTextMessage } from '../test/support/inbound-message.ts';
import { createTestDatabase, testDrivers } from '../test/support/services.ts';
import {
  createHandoffNotifyHandler,
  handoffNoticeAttempts,
  handoffNoticeJobId,
  handoffNoticeText,
  notifyHandoffJobName,
  type HandoffNoticeJob,
} from './handoff-notifications.ts';
import { createLogger } from './logger.ts';
import { createDatabaseQueueFactory } from './ports/database-queue.ts';
import { recoverPendingWork } from './recovery.ts';
import type { DatabaseHandle } from './storage/database.ts';
import { persistInbound } from './storage/inbound-repository.ts';
import { completeInbound } from './storage/outbox-repository.ts';
import { channelAccounts, conversations, workspaces } from './storage/schema.ts';

const log = createLogger({ level: 'silent' });
const targets = [
  { workspace: 'shop', wecomRobotUrl: 'https://robot.example/send?key=shop' },
  { workspace: 'other', wecomRobotUrl: 'https://robot.example/send?key=other' },
];
const channelName = (accountId: string) => (accountId === 'oa-shop' ? '茶语时光 公众号' : accountId);

/** WeCom group robots answering every post with `errcode`; records what was posted where. */
function robots(errcode: number) {
  const posted: Array<{ url: string; content: string }> = [];
  const fetch: HttpFetch = async (url, init) => {
    posted.push({ url, content: (JSON.parse(String(init?.body)) as { text: { content: string } }).text.content });
    return { ok: true, status: 200, text: async () => JSON.stringify({ errcode, errmsg: errcode ? 'refused' : 'ok' }) };
  };
  return { fetch, posted };
}

const jobOf = (notice: HandoffNoticeJob, attempt = 1) => ({ id: handoffNoticeJobId(notice.messageId), name: notifyHandoffJobName, data: { ...notice }, attempt });

describe.each(await testDrivers())('handoff notices on %s', (driver) => {
  let database: DatabaseHandle;
  let customers = 0;

  /** A customer asks for a human: the message stored, then processed into a handoff to announce. */
  async function handOff(text = '转人工', announceHandoff = true): Promise<HandoffNoticeJob> {
    customers += 1;
    const stored = await persistInbound(database.db, { workspaceId: 'shop', channelAccountId: 'oa-shop', traceId: 't', message: directTextMessage(`o_${customers}`, text) });
    const completed = await completeInbound(database.db, {
      inbound: { id: stored.messageId, workspaceId: 'shop', conversationId: stored.conversationId, channelAccountId: 'oa-shop', platformUserId: `o_${customers}`, traceId: 't' },
      replies: [{ parts: [{ type: 'text', text: '好的，正在为您转接人工客服…' }] }],
      outcome: 'processed',
      statusChange: { from: 'bot', to: 'pending', announceHandoff },
    });
    expect(completed).toBe(true);
    return { workspaceId: 'shop', conversationId: stored.conversationId, messageId: stored.messageId };
  }

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await database.db.insert(workspaces).values([
      { id: 'shop', name: 'Shop' },
      { id: 'other', name: 'Other' },
    ]);
    await database.db.insert(channelAccounts).values({ id: 'oa-shop', workspaceId: 'shop', type: 'wechat-official', secrets: 'x' });
  });
  afterAll(async () => database?.close());

  it('go to the robots of the conversation’s workspace only, with what the customer said — and once', async () => {
    const notice = await handOff('我要人工客服，奶茶送错了');
    const wecom = robots(0);
    const handler = createHandoffNotifyHandler({ db: database.db, targets, channelName, fetch: wecom.fetch, log });
    await handler(jobOf(notice));
    expect(wecom.posted.map((post) => post.url)).toEqual(['https://robot.example/send?key=shop']);
    expect(wecom.posted[0]!.content).toBe(
      handoffNoticeText({ conversationId: notice.conversationId, channelName: '茶语时光 公众号', customerText: '我要人工客服，奶茶送错了' }),
    );
    // The same job again (a redelivery, or the recovery sweep racing it): nothing more is posted.
    await handler(jobOf(notice));
    expect(wecom.posted).toHaveLength(1);
  });

  it('fail the job on a refusal worth another try until its last try, and end it on one that is not', async () => {
    const notice = await handOff();
    const limited = robots(45009);
    const handler = createHandoffNotifyHandler({ db: database.db, targets, channelName, fetch: limited.fetch, log });
    await expect(handler(jobOf(notice, 1))).rejects.toMatchObject({ retryable: true });
    await expect(handler(jobOf(notice, handoffNoticeAttempts - 1))).rejects.toMatchObject({ retryable: true });
    // The last try gives up for good: the sweep does not post it again every minute.
    await expect(handler(jobOf(notice, handoffNoticeAttempts))).resolves.toBeUndefined();
    await handler(jobOf(notice, 1));
    expect(limited.posted).toHaveLength(3);

    const refused = robots(93000);
    const other = await handOff();
    await expect(createHandoffNotifyHandler({ db: database.db, targets, channelName, fetch: refused.fetch, log })(jobOf(other))).resolves.toBeUndefined();
    expect(refused.posted).toHaveLength(1);
  });

  it('quote a long message only in part', () => {
    const text = handoffNoticeText({ conversationId: 'c-1', channelName: '茶语时光 公众号', customerText: '退'.repeat(500) });
    expect(text).toContain(`${'退'.repeat(200)}…`);
    expect(text).not.toContain('退'.repeat(201));
    expect(text.split('\n')[0]).toBe('【转人工】茶语时光 公众号 有顾客在等人工客服');
  });

  it('are not posted when an operator took the conversation over before the notice went out', async () => {
    const notice = await handOff();
    await database.db.update(conversations).set({ status: 'human' }).where(eq(conversations.id, notice.conversationId));
    const wecom = robots(0);
    await createHandoffNotifyHandler({ db: database.db, targets, channelName, fetch: wecom.fetch, log })(jobOf(notice));
    expect(wecom.posted).toHaveLength(0);
  });

  it('lost between the commit and the queue are queued again by the recovery sweep, and given once', async () => {
    const lost = await handOff('人工');
    const notAnnounced = await handOff('人工', false);
    const queues = createDatabaseQueueFactory({ db: database.db, pollIntervalMs: 20 });
    const processQueue = queues.create('process');
    const outboxQueue = queues.create('outbox');
    const notifyQueue = queues.create('notify');
    try {
      const recovery = { db: database.db, processQueue, outboxQueue, notifyQueue, log };
      const recovered = await recoverPendingWork(recovery);
      expect(recovered.handoffNotices).toBe(1);
      // A second sweep while the job waits adds nothing (the job id is the handoff's).
      await recoverPendingWork(recovery);
      expect(await notifyQueue.count()).toBe(1);
      const wecom = robots(0);
      await notifyQueue.process(createHandoffNotifyHandler({ db: database.db, targets, channelName, fetch: wecom.fetch, log }));
      const deadline = Date.now() + 10_000;
      while (wecom.posted.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(wecom.posted).toHaveLength(1);
      expect(wecom.posted[0]!.content).toContain(lost.conversationId);
      expect(wecom.posted[0]!.content).not.toContain(notAnnounced.conversationId);
      while ((await notifyQueue.count()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      // Given: the next sweep finds nothing.
      expect((await recoverPendingWork(recovery)).handoffNotices).toBe(0);
    } finally {
      await queues.close();
    }
  });

  it('older than a day are not recovered: staff told now of a customer who asked yesterday would be misled', async () => {
    const stale = await handOff();
    await database.db
      .update(conversations)
      .set({ statusChangedAt: new Date(Date.now() - 25 * 60 * 60_000) })
      .where(eq(conversations.id, stale.conversationId));
    const queues = createDatabaseQueueFactory({ db: database.db, pollIntervalMs: 20 });
    try {
      const recovery = { db: database.db, processQueue: queues.create('process'), outboxQueue: queues.create('outbox'), notifyQueue: queues.create('notify'), log };
      expect((await recoverPendingWork(recovery)).handoffNotices).toBe(0);
    } finally {
      await queues.close();
    }
  });
});
