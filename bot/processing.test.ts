/**
 * The worker side on a real database and the embedded queue: per-conversation order, parallelism
 * across conversations, and the outbox's windows, retries and recorded failures.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { directTextMessage } from '../test/support/inbound-message.ts';
import { createTestDatabase } from '../test/support/services.ts';
import { ChannelSendError, createRecordingAdapter, type RecordingAdapter } from '../test/support/recording-adapter.ts';
import { ChannelRegistry } from './channel-registry.ts';
import { compose } from './compose.ts';
import type { BotContext } from './context.ts';
import { processJobId, processJobName } from './ingress.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { createConversationDelivery, createOutboxSender } from './outbox.ts';
import { createDatabaseQueueFactory } from './ports/database-queue.ts';
import { createMemoryCache } from './ports/memory-cache.ts';
import { createMemoryLock } from './ports/memory-lock.ts';
import type { Queue, QueueFactory } from './ports/queue.ts';
import { createConversationProcessor } from './processor.ts';
import { createReplyDispatch } from './reply-dispatch.ts';
import { ReplySignal } from './reply-signal.ts';
import type { DatabaseHandle } from './storage/database.ts';
import { persistInbound } from './storage/inbound-repository.ts';
import { channelAccounts, conversations, messages, workspaces } from './storage/schema.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let database: DatabaseHandle;
let queues: QueueFactory;
let processQueue: Queue;
let adapter: RecordingAdapter;
let windowed: RecordingAdapter;
/** Ids of the outbox jobs queued (replies not sent inline). */
const queuedDeliveries: string[] = [];
const events: Array<{ conversation: string; text: string; phase: 'start' | 'end'; at: number; status?: string }> = [];

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

async function receive(channelAccountId: string, user: string, text: string) {
  const stored = await persistInbound(database.db, { workspaceId: 'w', channelAccountId, traceId: 'trace', message: directTextMessage(user, text) });
  await processQueue.add(processJobName, { conversationId: stored.conversationId, inboundMessageId: stored.messageId }, { jobId: processJobId(stored.messageId) });
  return stored;
}

const outboundOf = (conversationId: string) =>
  database.db.select().from(messages).where(eq(messages.conversationId, conversationId)).then((rows) => rows.filter((r) => r.direction === 'outbound'));

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  await database.db.insert(workspaces).values({ id: 'w', name: 'W' });
  await database.db.insert(channelAccounts).values([
    { id: 'web-1', workspaceId: 'w', type: 'web', secrets: 'x' },
    { id: 'web-window', workspaceId: 'w', type: 'web', secrets: 'x' },
  ]);
  adapter = createRecordingAdapter('web-1');
  windowed = createRecordingAdapter('web-window', { replyWindow: { durationMs: 60_000, maxMessages: 2 } });
  const channels = new ChannelRegistry();
  channels.add({ adapter, workspaceId: 'w', passiveReplyBudgetMs: 0, sendsPerMinute: 1000 });
  channels.add({ adapter: windowed, workspaceId: 'w', passiveReplyBudgetMs: 0, sendsPerMinute: 1000 });
  const log = createLogger({ level: 'silent' });
  const lock = createMemoryLock();
  const metrics = createMetrics();
  // A pipeline whose speed a message controls: "slow:…" takes 400 ms; "many:N" replies N times.
  const pipeline = compose<BotContext>([
    async (ctx) => {
      events.push({ conversation: ctx.conversation.id, text: ctx.text, phase: 'start', at: Date.now(), status: ctx.conversation.status });
      if (ctx.text.startsWith('slow')) await sleep(400);
      // What a hand-off stage does: the conversation goes to a human while this message runs.
      if (ctx.text.endsWith('handoff')) await database.db.update(conversations).set({ status: 'human' }).where(eq(conversations.id, ctx.conversation.id));
      const many = /^many:(\d+)$/.exec(ctx.text);
      for (let i = 0; i < (many ? Number(many[1]) : 1); i += 1) ctx.reply(`echo ${ctx.text} #${i + 1}`);
      events.push({ conversation: ctx.conversation.id, text: ctx.text, phase: 'end', at: Date.now() });
    },
  ]);
  queues = createDatabaseQueueFactory({ db: database.db, pollIntervalMs: 20 });
  processQueue = queues.create('process');
  const outboxQueue = queues.create('outbox');
  const add = outboxQueue.add.bind(outboxQueue);
  outboxQueue.add = async (name, data, options) => {
    queuedDeliveries.push(String(options?.jobId));
    await add(name, data, options);
  };
  const outbox = { db: database.db, lock, cache: createMemoryCache(), channels, metrics, log, maxAttempts: 3 };
  const dispatchReplies = createReplyDispatch({ outboxQueue, deliverInline: createConversationDelivery(outbox), log, retryDelayMs: 50 });
  await processQueue.process(
    createConversationProcessor({ db: database.db, lock, channels, pipeline: (ctx) => pipeline(ctx, async () => undefined) as Promise<void>, dispatchReplies, replySignal: new ReplySignal(), metrics, log }),
    { concurrency: 4 },
  );
  await outboxQueue.process(createOutboxSender(outbox), { concurrency: 2 });
});
afterAll(async () => {
  await queues?.close();
  await database?.close();
});

describe('processing', () => {
  test('messages of one conversation are processed and answered in arrival order', async () => {
    const first = await receive('web-1', 'order', 'slow 1');
    for (const text of ['2', '3', '4']) await receive('web-1', 'order', text);
    const replies = await waitFor(() => outboundOf(first.conversationId), (rows) => rows.filter((r) => r.deliveryStatus === 'sent').length === 4);
    const handled = events.filter((e) => e.conversation === first.conversationId && e.phase === 'start').map((e) => e.text);
    expect(handled).toEqual(['slow 1', '2', '3', '4']);
    const sentTexts = adapter.sent.filter((s) => s.target.platformUserId === 'order').map((s) => s.reply.parts[0]);
    expect(sentTexts).toEqual(['slow 1', '2', '3', '4'].map((t) => ({ type: 'text', text: `echo ${t} #1` })));
    expect(replies).toHaveLength(4);
  });

  test('a job ends with its own message; a job naming no message takes all that are pending', async () => {
    const store = (text: string) => persistInbound(database.db, { workspaceId: 'w', channelAccountId: 'web-1', traceId: 'trace', message: directTextMessage('stop-user', text) });
    const first = await store('one');
    const second = await store('two');
    const statusOf = async (id: string) => (await database.db.select().from(messages).where(eq(messages.id, id)))[0]?.processingStatus;
    await processQueue.add(processJobName, { conversationId: first.conversationId, inboundMessageId: first.messageId }, { jobId: processJobId(first.messageId) });
    await waitFor(() => statusOf(first.messageId), (status) => status === 'processed');
    await sleep(300);
    expect(await statusOf(second.messageId)).toBe('received');
    await processQueue.add(processJobName, { conversationId: first.conversationId }, { jobId: 'no-message-named' });
    expect(await waitFor(() => statusOf(second.messageId), (status) => status === 'processed')).toBe('processed');
  });

  test('each message sees its conversation as the previous message left it (a hand-off is not missed)', async () => {
    const first = await receive('web-1', 'handoff-user', 'slow handoff');
    await receive('web-1', 'handoff-user', 'after');
    await waitFor(async () => events.filter((e) => e.conversation === first.conversationId && e.phase === 'end').length, (n) => n === 2);
    const seen = events.filter((e) => e.conversation === first.conversationId && e.phase === 'start').map((e) => [e.text, e.status]);
    expect(seen).toEqual([
      ['slow handoff', 'bot'],
      ['after', 'human'],
    ]);
  });

  test('different conversations are processed in parallel', async () => {
    const a = await receive('web-1', 'parallel-a', 'slow a');
    const b = await receive('web-1', 'parallel-b', 'slow b');
    await waitFor(async () => events.filter((e) => e.phase === 'end' && (e.text === 'slow a' || e.text === 'slow b')).length, (n) => n === 2);
    const startB = events.find((e) => e.conversation === b.conversationId && e.phase === 'start')!.at;
    const endA = events.find((e) => e.conversation === a.conversationId && e.phase === 'end')!.at;
    const startA = events.find((e) => e.conversation === a.conversationId && e.phase === 'start')!.at;
    const endB = events.find((e) => e.conversation === b.conversationId && e.phase === 'end')!.at;
    // Each ran while the other was running.
    expect(startB < endA && startA < endB).toBe(true);
  });
});

describe('outbox', () => {
  test('with no webhook waiting, the processor sends the reply itself: no outbox job', async () => {
    const stored = await receive('web-1', 'inline-user', 'hello');
    const rows = await waitFor(() => outboundOf(stored.conversationId), (r) => r[0]?.deliveryStatus === 'sent');
    expect(rows[0]).toMatchObject({ deliveryStatus: 'sent', deliveryVia: 'api', deliveryAttempts: 1 });
    expect(adapter.sent.filter((s) => s.target.platformUserId === 'inline-user')).toHaveLength(1);
    expect(queuedDeliveries).not.toContain(`deliver-${stored.messageId}`);
  });

  test('a transient platform error is retried through the queue and the reply is sent once', async () => {
    adapter.failNext(new ChannelSendError('busy', { retryable: true, platformCode: '-1' }));
    const stored = await receive('web-1', 'retry-user', 'hello');
    const rows = await waitFor(() => outboundOf(stored.conversationId), (r) => r[0]?.deliveryStatus === 'sent');
    expect(rows[0]).toMatchObject({ deliveryStatus: 'sent', deliveryVia: 'api', deliveryAttempts: 2 });
    expect(adapter.sent.filter((s) => s.target.platformUserId === 'retry-user')).toHaveLength(1);
    expect(queuedDeliveries).toContain(`deliver-${stored.messageId}`);
  });

  test('a refusal is recorded on the message with the platform error and not retried', async () => {
    adapter.failNext(new ChannelSendError('response out of time limit', { retryable: false, platformCode: '45015' }));
    const stored = await receive('web-1', 'refused-user', 'hello');
    const rows = await waitFor(() => outboundOf(stored.conversationId), (r) => r[0]?.deliveryStatus === 'failed');
    expect(rows[0]?.deliveryStatus).toBe('failed');
    expect(rows[0]?.deliveryError).toContain('45015');
    expect(rows[0]?.deliveryAttempts).toBe(1);
    expect(adapter.sent.filter((s) => s.target.platformUserId === 'refused-user')).toHaveLength(0);
  });

  test('the platform reply window caps sends per customer message; the rest are recorded as refused', async () => {
    const stored = await receive('web-window', 'window-user', 'many:3');
    const rows = await waitFor(() => outboundOf(stored.conversationId), (r) => r.length === 3 && r.every((m) => m.deliveryStatus === 'sent' || m.deliveryStatus === 'failed'));
    expect(rows.filter((r) => r.deliveryStatus === 'sent')).toHaveLength(2);
    expect(rows.find((r) => r.deliveryStatus === 'failed')?.deliveryError).toBe('reply_count_exceeded');
    expect(windowed.sent).toHaveLength(2);
  });
});
