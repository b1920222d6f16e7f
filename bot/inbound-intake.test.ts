/**
 * Group commit of inbound messages on both drivers: own ids per webhook, duplicates stored and
 * queued once (within a batch and across batches), failures rejected without acknowledging and
 * without poisoning the next batch, arrival order kept within a conversation.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { directTextMessage } from '../test/support/inbound-message.ts';
import { createTestDatabase, testDrivers } from '../test/support/services.ts';
import { InboundStoreError } from './errors.ts';
import { createInboundIntake, type InboundIntake } from './inbound-intake.ts';
import type { InboundMessage } from './model.ts';
import { createDatabaseQueueFactory } from './ports/database-queue.ts';
import type { Queue, QueueFactory } from './ports/queue.ts';
import type { DatabaseHandle } from './storage/database.ts';
import { pendingInbound } from './storage/inbound-repository.ts';
import { channelAccounts, messages, workspaces } from './storage/schema.ts';
import { storeInboundStatement } from './storage/inbound-batch-store.ts';
import { sqlRunnerOf, type SqlRunner } from './storage/sql-runner.ts';

let counter = 0;
const inbound = (user: string, overrides: Partial<InboundMessage> = {}): InboundMessage =>
  directTextMessage(user, `第${(counter += 1)}条`, overrides);

describe.each(await testDrivers())('inbound intake on %s', (driver) => {
  let database: DatabaseHandle;
  let queues: QueueFactory;
  let queue: Queue;
  let intake: InboundIntake;
  /** Fails the next message insert when set (a database error at the worst moment). */
  let failNextMessageInsert = false;
  const store = (message: InboundMessage) => intake.store({ workspaceId: 'w1', channelAccountId: 'oa-1', message, traceId: 't' });
  const rowsOf = (message: InboundMessage) =>
    database.db.select().from(messages).where(eq(messages.platformMessageId, message.platformMessageId));

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await database.db.insert(workspaces).values({ id: 'w1', name: 'W1' });
    await database.db.insert(channelAccounts).values({ id: 'oa-1', workspaceId: 'w1', type: 'wechat-official', secrets: 'x' });
    queues = createDatabaseQueueFactory({ db: database.db });
    queue = queues.create('intake-process'); // never processed here: jobs stay countable
    const real = sqlRunnerOf(database.db);
    const runner: SqlRunner = {
      query(statement, params) {
        if (failNextMessageInsert && statement.name === storeInboundStatement.name) {
          failNextMessageInsert = false;
          return Promise.reject(new Error('connection reset'));
        }
        return real.query(statement, params);
      },
    };
    // One lane: every message of a test shares the batch that fails.
    intake = createInboundIntake({ db: database.db, processQueue: queue, runner, maxWaitMs: 5, lanes: 1 });
  });
  afterAll(async () => {
    await queues?.close();
    await database?.close();
  });

  test('each message of one batch resolves with its own stored row', async () => {
    const sent = ['a', 'b', 'c', 'd'].map((user) => inbound(`own-${user}`));
    const jobsBefore = await queue.count();
    const results = await Promise.all(sent.map(store));
    expect(new Set(results.map((r) => r.messageId)).size).toBe(4);
    expect(new Set(results.map((r) => r.contactId)).size).toBe(4);
    for (const [index, message] of sent.entries()) {
      const [row] = await rowsOf(message);
      expect(row?.id).toBe(results[index]!.messageId);
      expect(row?.conversationId).toBe(results[index]!.conversationId);
      expect(row?.raw).toEqual(message.raw);
    }
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(await queue.count()).toBe(jobsBefore + 4);
  });

  test('a duplicate in the same batch and across batches is stored once and queued once', async () => {
    const message = inbound('dup-user');
    const jobsBefore = await queue.count();
    const sameBatch = await Promise.all([store(message), store(message), store(inbound('dup-other'))]);
    const laterBatch = await Promise.all([store(message), store({ ...message })]);
    const copies = [...sameBatch.slice(0, 2), ...laterBatch];
    expect(new Set(copies.map((r) => r.messageId)).size).toBe(1);
    expect(copies.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await rowsOf(message)).toHaveLength(1);
    expect(await queue.count()).toBe(jobsBefore + 2);
  });

  test('a failing statement rejects the waiting webhooks, stores nothing for them, and the next batch works', async () => {
    const failed = [inbound('fail-a'), inbound('fail-b')];
    failNextMessageInsert = true;
    const settled = await Promise.allSettled(failed.map(store));
    expect(settled.every((result) => result.status === 'rejected' && result.reason instanceof InboundStoreError)).toBe(true);
    for (const message of failed) expect(await rowsOf(message)).toHaveLength(0);
    // The platform retries: stored now, once.
    const retried = await Promise.all([...failed, inbound('fail-c')].map(store));
    expect(retried.every((r) => !r.duplicate)).toBe(true);
    for (const message of failed) expect(await rowsOf(message)).toHaveLength(1);
  });

  test('messages of one conversation keep their arrival order, within and across batches', async () => {
    const texts = ['一', '二', '三', '四', '五', '六'];
    const sent = texts.map((text) => inbound('order-user', { parts: [{ type: 'text', text }] }));
    // Batches of two: three batches written one after the other.
    const small = createInboundIntake({ db: database.db, processQueue: queue, maxBatch: 2 });
    const results = await Promise.all(sent.map((message) => small.store({ workspaceId: 'w1', channelAccountId: 'oa-1', message, traceId: 't' })));
    const pending = await pendingInbound(database.db, results[0]!.conversationId);
    expect(pending.map((m) => m.parts[0])).toEqual(texts.map((text) => ({ type: 'text', text })));
  });

  test('users new in one batch who share a unionid get one contact; group senders become participants', async () => {
    const [a, b] = await Promise.all([
      store(inbound('union-a', { unionId: 'u-shared', platformThreadId: 'group-1', conversationKind: 'group' })),
      store(inbound('union-b', { unionId: 'u-shared', platformThreadId: 'group-1', conversationKind: 'group' })),
    ]);
    expect(a!.contactId).toBe(b!.contactId);
    expect(a!.conversationId).toBe(b!.conversationId);
  });
});
