/**
 * The contract every webhook adapter passes, run through the real ingress and a real database:
 * thread ids round-trip, own messages are ignored, duplicate deliveries are stored and queued
 * once, bad signatures get 401 and malformed bodies 400 with nothing stored, a storage failure
 * 503 with nothing acknowledged, and the acknowledgement body is the one the platform expects.
 *
 * An adapter's test calls `describeAdapterContract(name, createHarness)`; the harness builds
 * requests the way the platform (its sandbox) does.
 */
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChannelRegistry } from '../bot/channel-registry.ts';
import { createInboundIntake } from '../bot/inbound-intake.ts';
import { handleWebhookCall, type IngressDependencies } from '../bot/ingress.ts';
import { createLogger } from '../bot/logger.ts';
import { createMetrics } from '../bot/metrics.ts';
import { createDatabaseQueueFactory } from '../bot/ports/database-queue.ts';
import type { QueueFactory } from '../bot/ports/queue.ts';
import { ReplySignal } from '../bot/reply-signal.ts';
import type { DatabaseHandle } from '../bot/storage/database.ts';
import { storeInboundStatement } from '../bot/storage/inbound-batch-store.ts';
import { channelAccounts, messages, workspaces } from '../bot/storage/schema.ts';
import { sqlRunnerOf } from '../bot/storage/sql-runner.ts';
import { createTestDatabase } from '../test/support/services.ts';
import type { ChannelAdapter, WebhookRequest } from './types.ts';

/** What a channel's contract test provides. */
export interface ContractHarness {
  adapter: ChannelAdapter;
  /** A correctly signed request carrying one text message. */
  textRequest(input: { platformMessageId: string; userId: string; text: string }): WebhookRequest;
  /** A correctly signed request carrying the platform's echo of the bot's own message, if it has one. */
  ownMessageRequest?(input: { platformMessageId: string }): WebhookRequest;
  /** The same request with its signature broken. */
  withBadSignature(request: WebhookRequest): WebhookRequest;
  /** A request that passes the signature check but whose body cannot be parsed. */
  malformedRequest(): WebhookRequest;
  /** The acknowledgement body the platform expects when there is no passive reply. */
  expectedAcknowledgement: string;
}

/** Register the contract suite for one adapter. */
export function describeAdapterContract(name: string, createHarness: () => Promise<ContractHarness>): void {
  describe(`adapter contract: ${name}`, () => {
    let harness: ContractHarness;
    let database: DatabaseHandle;
    let queues: QueueFactory;
    let deps: IngressDependencies;
    let counter = 0;
    const uniqueId = () => `${Date.now()}${(counter += 1)}`;

    beforeAll(async () => {
      harness = await createHarness();
      database = await createTestDatabase('pglite');
      await database.db.insert(workspaces).values({ id: 'contract', name: 'Contract' });
      await database.db.insert(channelAccounts).values({ id: harness.adapter.accountId, workspaceId: 'contract', type: harness.adapter.type, secrets: 'sealed' });
      queues = createDatabaseQueueFactory({ db: database.db });
      const channels = new ChannelRegistry();
      // No passive budget: the contract checks the plain acknowledgement.
      channels.add({ adapter: harness.adapter, workspaceId: 'contract', passiveReplyBudgetMs: 0, sendsPerMinute: 100 });
      deps = {
        db: database.db,
        channels,
        processQueue: queues.create('contract-process'),
        outboxQueue: queues.create('contract-outbox'),
        replySignal: new ReplySignal(),
        metrics: createMetrics(),
        log: createLogger({ level: 'silent' }),
      };
    });
    afterAll(async () => {
      await queues?.close();
      await database?.close();
    });

    const call = (request: WebhookRequest) => handleWebhookCall(deps, harness.adapter.type, harness.adapter.accountId, request);
    const storedCount = async (platformMessageId: string) => {
      const [row] = await database.db.select({ n: count() }).from(messages).where(eq(messages.platformMessageId, platformMessageId));
      return Number(row?.n ?? 0);
    };

    test('thread ids round-trip and name their channel', () => {
      for (const thread of ['o6_bmjrPTlm6_2sgVt7hMZOPfL2M', 'wrd@chatroom', 'a:b/c?d=e f', '中文群']) {
        const id = harness.adapter.encodeThreadId(thread);
        expect(id.startsWith(`${harness.adapter.type}:${harness.adapter.accountId}:`)).toBe(true);
        expect(harness.adapter.decodeThreadId(id)).toBe(thread);
      }
    });

    test('a message is stored, queued once, and acknowledged as the platform expects', async () => {
      const id = uniqueId();
      const response = await call(harness.textRequest({ platformMessageId: id, userId: 'contract-user', text: '你好' }));
      expect(response.status).toBe(200);
      expect(response.body).toBe(harness.expectedAcknowledgement);
      expect(await storedCount(id)).toBe(1);
      expect(await deps.processQueue.count()).toBeGreaterThanOrEqual(1);
    });

    test('duplicate deliveries, even concurrent ones, are stored and queued once', async () => {
      const id = uniqueId();
      const request = harness.textRequest({ platformMessageId: id, userId: 'contract-user-2', text: '重复' });
      const before = await deps.processQueue.count();
      const responses = await Promise.all([call(request), call(request), call(request)]);
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(await storedCount(id)).toBe(1);
      expect(await deps.processQueue.count()).toBe(before + 1);
    });

    test('a bad signature gets 401 and stores nothing', async () => {
      const id = uniqueId();
      const response = await call(harness.withBadSignature(harness.textRequest({ platformMessageId: id, userId: 'u', text: 'x' })));
      expect(response.status).toBe(401);
      expect(await storedCount(id)).toBe(0);
    });

    test('a malformed body gets 400 and stores nothing', async () => {
      const [before] = await database.db.select({ n: count() }).from(messages);
      const response = await call(harness.malformedRequest());
      expect(response.status).toBe(400);
      const [after] = await database.db.select({ n: count() }).from(messages);
      expect(after?.n).toBe(before?.n);
    });

    test('a storage failure gets 503 (never an acknowledgement) and the platform retry is stored once', async () => {
      // The same ingress, but its message insert fails once: a database error at the worst moment.
      let failNext = true;
      const runner = sqlRunnerOf(database.db);
      const failing: IngressDependencies = {
        ...deps,
        intake: createInboundIntake({
          db: database.db,
          processQueue: deps.processQueue,
          runner: {
            query(statement, params) {
              if (failNext && statement.name === storeInboundStatement.name) {
                failNext = false;
                return Promise.reject(new Error('connection reset'));
              }
              return runner.query(statement, params);
            },
          },
        }),
      };
      const id = uniqueId();
      const request = harness.textRequest({ platformMessageId: id, userId: 'contract-user-3', text: '存储失败' });
      const first = await handleWebhookCall(failing, harness.adapter.type, harness.adapter.accountId, request);
      expect(first.status).toBe(503);
      expect(await storedCount(id)).toBe(0);
      const retry = await handleWebhookCall(failing, harness.adapter.type, harness.adapter.accountId, request);
      expect(retry.status).toBe(200);
      expect(retry.body).toBe(harness.expectedAcknowledgement);
      expect(await storedCount(id)).toBe(1);
    });

    test('own messages are ignored by the pipeline', async (context) => {
      if (!harness.ownMessageRequest) {
        context.skip(); // the platform never echoes the bot's own messages
        return;
      }
      const id = uniqueId();
      await call(harness.ownMessageRequest({ platformMessageId: id }));
      const [row] = await database.db.select({ fromSelf: messages.fromSelf }).from(messages).where(eq(messages.platformMessageId, id));
      expect(row === undefined || row.fromSelf).toBe(true);
    });
  });
}
