/**
 * The composition root: wires configuration, storage, ports, adapters, the pipeline and the HTTP
 * server for the runtime mode the configuration selects. No decisions beyond which
 * implementation to plug in.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createAdapter } from '../adapters/registry.ts';
import { createSandboxFollowerRoutes } from '../adapters/wechat-official/sandbox-follower-routes.ts';
import { createWechatOfficialSandbox, type WechatOfficialSandbox } from '../adapters/wechat-official/sandbox.ts';
import { ensureFirstAdmin } from '../dashboards/api/first-admin.ts';
import { createDashboardRouter } from '../dashboards/api/router.ts';
import { purgeExpiredSessions } from '../dashboards/api/session-repository.ts';
import { createDefaultPipeline } from '../handlers/default-pipeline.ts';
import { prepareKnowledge } from '../knowledge/bootstrap.ts';
import { createEmbeddingStore } from '../knowledge/dense/embedding-store.ts';
import { STARTER_INTENTS, STARTER_OUT_OF_SCOPE_EXAMPLES, STARTER_REPLIES } from '../knowledge/intents/starter-intents.ts';
import { createStoredIntentSource } from '../knowledge/intents/workspace-intent-store.ts';
import { createWorkspaceIntents } from '../knowledge/intents/workspace-intents.ts';
import { createLlmProvider, logAiSdkWarnings } from '../knowledge/llm/provider.ts';
import { ChannelRegistry, defaultSendsPerMinute } from './channel-registry.ts';
import type { KefuConfig } from './config.ts';
import type { BotMiddleware } from './context.ts';
import { createHandoffNotifyHandler, queueHandoffNotice, type HandoffNoticeJob } from './handoff-notifications.ts';
import { createInboundIntake } from './inbound-intake.ts';
import type { IngressDependencies } from './ingress.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { createConversationDelivery, createOutboxSender } from './outbox.ts';
import { createBullmqQueueFactory } from './ports/bullmq-queue.ts';
import type { Cache } from './ports/cache.ts';
import { createDatabaseQueueFactory } from './ports/database-queue.ts';
import type { Lock } from './ports/lock.ts';
import { createMemoryCache } from './ports/memory-cache.ts';
import { createMemoryLock } from './ports/memory-lock.ts';
import type { QueueFactory } from './ports/queue.ts';
import { createRedisCache } from './ports/redis-cache.ts';
import { createRedisLock } from './ports/redis-lock.ts';
import { createConversationProcessor } from './processor.ts';
import { recoverPendingWork, scheduleRecovery } from './recovery.ts';
import { scheduleEmbeddedMaintenance } from './storage/embedded-maintenance.ts';
import { createRedisReplyBridge } from './redis-reply-bridge.ts';
import { createReplyDispatch, queueDelivery } from './reply-dispatch.ts';
import { ReplySignal } from './reply-signal.ts';
import { createSecretBox, resolveSecretKey } from './secret-box.ts';
import { createHttpApp } from './server.ts';
import { openDatabase, type DatabaseHandle } from './storage/database.ts';
import { createConversationHistory } from './storage/conversation-history.ts';
import { syncConfiguredAccounts } from './storage/workspace-repository.ts';
import { warmUpAnswering } from './warm-up.ts';

export interface StartOptions {
  log?: Logger;
  /** Listen on this port instead of `config.port` (0 = ephemeral, for tests). */
  port?: number;
  /** Run queue workers in this process; default: unless `config.role` is `web`. */
  workers?: boolean;
  /** Extra pipeline stages (see `createDefaultPipeline`). */
  handlers?: BotMiddleware[];
  /** Webhook wait-for-answer poll interval (ms). */
  passivePollMs?: number;
}

export interface RunningKefu {
  url: string;
  port: number;
  database: DatabaseHandle;
  /** Sandboxes by channel id (demo / tests only). */
  sandboxes: Map<string, WechatOfficialSandbox>;
  /** Credentials of a first admin created by this start, shown once. */
  firstAdmin?: { username: string; password: string };
  close(): Promise<void>;
}

/** Start Kefu: storage, workers, HTTP. Resolves once it serves requests. */
export async function startKefu(config: KefuConfig, options: StartOptions = {}): Promise<RunningKefu> {
  const log = options.log ?? createLogger();
  const production = Boolean(config.databaseUrl);
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: unknown) => log.error({ err: error }, 'shutdown step failed'));
  };
  try {
    const database = await openDatabase(
      config.databaseUrl ? { driver: 'postgres', url: config.databaseUrl } : { driver: 'pglite', dataDir: join(config.dataDir, 'pglite') },
    );
    closers.push(() => database.close());
    const secretBox = createSecretBox(resolveSecretKey({ secretKey: config.secretKey, dataDir: config.dataDir, production }));

    let cache: Cache;
    let lock: Lock;
    let queues: QueueFactory;
    let redis: Redis | undefined;
    if (config.redisUrl) {
      redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
      cache = createRedisCache({ redis, prefix: `${config.redisPrefix}:cache:` });
      lock = createRedisLock({ redis, prefix: `${config.redisPrefix}:lock:` });
      queues = createBullmqQueueFactory({ connection: config.redisUrl, prefix: config.redisPrefix });
      closers.push(async () => void redis!.disconnect());
    } else {
      cache = createMemoryCache();
      lock = createMemoryLock();
      queues = createDatabaseQueueFactory({ db: database.db });
    }
    closers.push(() => cache.close(), () => lock.close());

    await syncConfiguredAccounts(database.db, { workspaces: config.workspaces, channels: config.channels, secretBox });
    const metrics = createMetrics();
    const replySignal = new ReplySignal();
    if (redis) {
      const bridge = createRedisReplyBridge({
        redis,
        channel: `${config.redisPrefix}:reply-ready`,
        onError: (error) => log.warn({ err: error }, 'reply hint not shared; waiting webhooks fall back to polling'),
      });
      closers.push(await replySignal.connect(bridge));
    }
    const channels = new ChannelRegistry();
    for (const channel of config.channels) {
      channels.add({
        adapter: createAdapter(channel, { cache, lock }),
        workspaceId: channel.workspace ?? config.defaultWorkspaceId,
        name: channel.name ?? channel.id,
        passiveReplyBudgetMs: channel.passiveReplyBudgetMs ?? 3000,
        sendsPerMinute: channel.sendsPerMinute ?? defaultSendsPerMinute,
      });
    }
    closers.push(() => channels.close());

    if (config.llm) logAiSdkWarnings(log);
    const llmProvider = config.llm && createLlmProvider(config.llm);
    const embedding = llmProvider?.embeddingModel ? { model: llmProvider.embeddingModel, store: createEmbeddingStore(database.db) } : undefined;
    const retriever = await prepareKnowledge(database.db, config.knowledge, log, { embedding });
    const intents = createWorkspaceIntents({
      base: STARTER_INTENTS,
      baseReplies: STARTER_REPLIES,
      outOfScopeExamples: STARTER_OUT_OF_SCOPE_EXAMPLES,
      own: config.intents,
      stored: createStoredIntentSource(database.db),
      onRefreshError: (error, workspaceId) => log.error({ err: error, workspaceId }, 'workspace intents not refreshed; the previous detector answers'),
      model: llmProvider?.languageModel,
      onLlmError: (error) => log.warn({ err: error }, 'LLM intent classification failed; using the classifier'),
    });
    const llm = llmProvider && {
      model: llmProvider.languageModel,
      history: createConversationHistory(database.db),
      timeoutMs: config.llm?.timeoutMs,
    };
    const pipeline = createDefaultPipeline({
      retriever,
      intents,
      cache,
      handlers: options.handlers,
      llm,
      handoff: { pendingTimeoutMs: config.handoff.pendingTimeoutMinutes * 60_000 },
    });
    const processQueue = queues.create('process');
    const outboxQueue = queues.create('outbox');
    // Staff notices of handoffs: a queue of their own, so a robot's rate limit never holds up replies.
    const notifyQueue = config.handoff.notify.length > 0 ? queues.create('notify') : undefined;
    const notifyHandoff = notifyQueue && ((notice: HandoffNoticeJob) => queueHandoffNotice(notifyQueue, notice));
    closers.push(() => queues.close());
    const maxAttempts = 5;
    if (options.workers ?? config.role !== 'web') {
      const outbox = { db: database.db, lock, cache, channels, metrics, log, maxAttempts };
      const dispatchReplies = createReplyDispatch({
        outboxQueue,
        deliverInline: createConversationDelivery(outbox),
        carriedPassively: (messageId) => replySignal.wasDelivered(messageId),
        log,
      });
      // Closers run last-pushed first: held dispatches become jobs before the queues close.
      closers.push(() => dispatchReplies.close());
      await processQueue.process(
        createConversationProcessor({ db: database.db, lock, channels, pipeline, dispatchReplies, replySignal, metrics, log, notifyHandoff }),
        { concurrency: 8 },
      );
      if (notifyQueue) {
        const channelName = (accountId: string) => channels.find(accountId)?.name ?? accountId;
        await notifyQueue.process(createHandoffNotifyHandler({ db: database.db, targets: config.handoff.notify, channelName, log }), { concurrency: 1 });
      }
      await outboxQueue.process(createOutboxSender(outbox), { concurrency: 4 });
      for (const queue of [processQueue, outboxQueue, ...(notifyQueue ? [notifyQueue] : [])]) {
        queue.onFailed((job, error) => log.error({ err: error, queue: queue.name, job: job.name, data: job.data }, 'job failed for good'));
      }
      const warmedUp = warmUpAnswering({ workspaceIds: channels.all().map((entry) => entry.workspaceId), retriever, intents, log });
      closers.push(() => warmedUp);
      const recovery = { db: database.db, processQueue, outboxQueue, notifyQueue, log };
      await recoverPendingWork(recovery);
      const stopRecovery = scheduleRecovery(recovery);
      closers.push(async () => stopRecovery());
    }

    const intake = createInboundIntake({ db: database.db, processQueue });
    closers.push(() => intake.drain());
    const ingress: IngressDependencies = { db: database.db, channels, processQueue, outboxQueue, replySignal, metrics, log, passivePollMs: options.passivePollMs, intake };
    const sandboxes = new Map<string, WechatOfficialSandbox>();
    const app = createHttpApp({
      ingress,
      log,
      readiness: {
        database: () => database.ping(),
        queue: async () => void (await processQueue.count()),
        channels: async () => {
          if (channels.all().length === 0) throw new Error('no channel configured');
        },
      },
      metricsText: () => metrics.registry.metrics(),
      routers: [
        createDashboardRouter({
          db: database.db,
          cache,
          knowledgeRetriever: retriever,
          intents,
          deliverConversation: (conversationId, messageId) => queueDelivery(outboxQueue, conversationId, messageId),
        }),
        ...(config.sandbox ? [createSandboxFollowerRoutes('/sandbox/wechat-official', sandboxes)] : []),
      ],
      middleware: [],
    });
    // Koa composes its middleware when `callback()` is called: the sandboxes, mounted once the port
    // is known, need a handler built again after them (they used to answer 404).
    let handle = app.callback();
    const server: Server = createServer((request, response) => handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? config.port, config.host, () => resolve());
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const port = (server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port}`;

    if (config.sandbox) {
      for (const channel of config.channels.filter((c) => c.type === 'wechat-official')) {
        const settings = channel as unknown as { appId: string; appSecret: string; token: string; encodingAesKey?: string; originalId?: string };
        const sandbox = createWechatOfficialSandbox({
          appId: settings.appId,
          appSecret: settings.appSecret,
          token: settings.token,
          encodingAesKey: settings.encodingAesKey,
          originalId: settings.originalId,
          basePath: '/sandbox/wechat-official',
          webhookUrl: `${url}/webhooks/wechat-official/${channel.id}`,
        });
        sandboxes.set(channel.id, sandbox);
        app.use(sandbox.middleware);
        closers.push(() => sandbox.close());
      }
      handle = app.callback();
    }

    const firstAdmin = await ensureFirstAdmin(database.db, { workspaceId: config.defaultWorkspaceId });
    const sessionSweeper = setInterval(() => {
      purgeExpiredSessions(database.db).catch((error: unknown) => log.error({ err: error }, 'session purge failed'));
    }, 60 * 60_000);
    sessionSweeper.unref();
    closers.push(async () => clearInterval(sessionSweeper));
    if (database.maintain) {
      const stopMaintenance = scheduleEmbeddedMaintenance({ maintain: database.maintain, log });
      closers.push(async () => stopMaintenance());
    }
    return { url, port, database, sandboxes, firstAdmin, close };
  } catch (error) {
    await close();
    throw error;
  }
}
