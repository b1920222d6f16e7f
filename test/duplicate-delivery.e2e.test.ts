/**
 * WeChat retries a callback that is not answered in time, with the identical request, and a retry
 * may arrive while the first try is still being worked on. Whatever the overlap, the follower gets
 * exactly one answer: passively in one of the HTTP responses while the channel's budget lasts,
 * otherwise once through the customer-service API — and Kefu stores and processes the message once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BotMiddleware } from '../bot/context.ts';
import { messages } from '../bot/storage/schema.ts';
import { createExternalChannel, writeKefuConfig, type ExternalChannel } from './support/external-channel.ts';
import { startTestKefu, type TestKefu } from './support/kefu.ts';
import { createModeEnvironment, runtimeModes, type ModeEnvironment } from './support/modes.ts';
import { createRecordingFetch, until } from './support/recording-fetch.ts';

// WeChat gives each try 5 s; the channels below use 1–1.5 s to keep the test quick, with budgets
// set so the overlap holds on a slow machine: where the bot answers ~200 ms after the third try
// left, that try still has a second before it times out.
/** Quiet time after the last activity in which a second reply would have shown up. */
const settleMs = 4000;

describe.each(await runtimeModes())('$mode mode', ({ mode, available }) => {
  describe.skipIf(!available)('a message delivered three times', () => {
    // Earlier tries stay open: whichever answer comes first is the one WeChat takes.
    const overlapWire = createRecordingFetch();
    // As overlapWire, but the answer carrying the reply is 300 ms slower on its way back (jitter).
    const jitterWire = createRecordingFetch({ returnDelayMs: (answer) => (answer.body === 'success' ? 0 : 300) });
    // Tries are dropped on timeout, as WeChat does; the bot answers only after WeChat gave up.
    const droppingWire = createRecordingFetch({ followDropped: false });
    let droppingGaveUp = false;
    // Tries every 1.5 s, each answered `success` when its 3.2 s budget ends: the first answer comes
    // after the third try left (3 s) and well before that try times out (4.5 s).
    const hastyWire = createRecordingFetch();
    /**
     * When the bot may answer, per channel: once WeChat has sent its third try (so all three are
     * waiting in Kefu), once WeChat has given up on every try, or once every try was acknowledged.
     */
    const answerWhen = new Map<string, () => Promise<void>>([
      ['overlap-oa', () => until(() => overlapWire.sent() >= 3).then(() => sleep(200))],
      ['jitter-oa', () => until(() => jitterWire.sent() >= 3).then(() => sleep(200))],
      ['dropping-oa', () => until(() => droppingGaveUp)],
      ['hasty-oa', () => until(() => hastyWire.answers().length >= 3)],
    ]);
    const pipelineRuns = new Map<string, number>();
    /** A slow bot: answers "echo: <text>" when its channel allows, counting its runs per follower. */
    const slowEcho: BotMiddleware = async (ctx) => {
      pipelineRuns.set(ctx.message.platformUserId, (pipelineRuns.get(ctx.message.platformUserId) ?? 0) + 1);
      await answerWhen.get(ctx.channel.id)?.();
      ctx.reply(`echo: ${ctx.text}`);
    };

    let environment: ModeEnvironment | undefined;
    let configDir: string | undefined;
    let kefu: TestKefu | undefined;
    const channels = new Map<string, ExternalChannel>();

    beforeAll(async () => {
      environment = await createModeEnvironment(mode);
      for (const channel of [
        await createExternalChannel('overlap-oa', { tryTimeoutMs: 1200, abortOnTimeout: false, fetch: overlapWire.fetch, passiveReplyBudgetMs: 4500 }),
        await createExternalChannel('jitter-oa', { tryTimeoutMs: 1200, abortOnTimeout: false, fetch: jitterWire.fetch, passiveReplyBudgetMs: 4500 }),
        await createExternalChannel('dropping-oa', { tryTimeoutMs: 1000, abortOnTimeout: true, fetch: droppingWire.fetch, passiveReplyBudgetMs: 3000 }),
        await createExternalChannel('hasty-oa', { tryTimeoutMs: 1500, abortOnTimeout: false, fetch: hastyWire.fetch, passiveReplyBudgetMs: 3200 }),
      ]) channels.set(channel.id, channel);
      configDir = mkdtempSync(join(tmpdir(), 'kefu-duplicate-'));
      const configPath = writeKefuConfig(configDir, [...channels.values()]);
      kefu = await startTestKefu({ ...environment.env, KEFU_CONFIG: configPath }, { handlers: [slowEcho] });
      for (const channel of channels.values()) channel.connect(kefu.url);
    }, 120_000);

    afterAll(async () => {
      await kefu?.close();
      for (const channel of channels.values()) await channel.sandbox.close();
      await environment?.dispose();
      if (configDir) rmSync(configDir, { recursive: true, force: true });
    });

    const rowsOf = async (openId: string) => {
      const rows = await kefu!.database.db.select().from(messages).where(eq(messages.platformUserId, openId));
      return { inbound: rows.filter((row) => row.direction === 'inbound'), outbound: rows.filter((row) => row.direction === 'outbound') };
    };

    test('with all three tries waiting at once, the follower gets exactly one reply, passively', async () => {
      const { sandbox } = channels.get('overlap-oa')!;
      const openId = `o_overlap_${mode}`;

      const delivery = await sandbox.sendText(openId, '三次送达');

      expect(delivery.tries).toBe(3);
      expect(delivery.outcome).toBe('replied');
      expect(delivery.reply).toMatchObject({ via: 'passive', content: 'echo: 三次送达' });
      // Kefu answered every try validly, with the reply or `success` (WeChat uses one answer per callback).
      await overlapWire.settled();
      const answers = overlapWire.answers();
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      const readings = answers.map((answer) => sandbox.decodeReply(openId, answer.body)).map((reading) => (reading.kind === 'replied' ? reading.content : reading.kind));
      expect(readings).toContain('echo: 三次送达');
      expect(readings.filter((reading) => reading !== 'acknowledged' && reading !== 'echo: 三次送达')).toEqual([]);

      await sleep(settleMs);
      expect(sandbox.inbox(openId).map((reply) => [reply.via, reply.content])).toEqual([['passive', 'echo: 三次送达']]);
      expect(sandbox.stats().sendsDelivered).toBe(0);
      expect(pipelineRuns.get(openId)).toBe(1);
      const rows = await rowsOf(openId);
      expect(rows.inbound.map((row) => row.processingStatus)).toEqual(['processed']);
      expect(rows.outbound.map((row) => [row.deliveryStatus, row.deliveryVia])).toEqual([['sent', 'passive']]);
    }, 60_000);

    test('with all three tries waiting at once, a `success` overtaking the reply on the network does not cost the follower the reply', async () => {
      const { sandbox } = channels.get('jitter-oa')!;
      const openId = `o_jitter_${mode}`;

      const delivery = await sandbox.sendText(openId, '网络抖动');

      expect(delivery.tries).toBe(3);
      // WeChat takes the first answer to arrive; whichever it is, the follower must get the reply once.
      await sandbox.waitForReplies(openId, { afterSequence: 0, timeoutMs: 10_000 }).catch(() => []);
      await sleep(settleMs);
      expect(sandbox.inbox(openId).map((reply) => reply.content)).toEqual(['echo: 网络抖动']);
      expect(pipelineRuns.get(openId)).toBe(1);
    }, 60_000);

    test('when WeChat has dropped every try before the answer is ready, the answer still arrives once, through the API', async () => {
      const { sandbox } = channels.get('dropping-oa')!;
      const openId = `o_dropping_${mode}`;

      const delivery = await sandbox.sendText(openId, '断开重试');
      droppingGaveUp = true;

      // Kefu's passive budget (3 s) outlives WeChat's patience (1 s per try, connection closed):
      // the answer can only reach the follower through the customer-service API.
      expect(delivery).toMatchObject({ outcome: 'timed-out', tries: 3 });
      await sandbox.waitForReplies(openId, { afterSequence: 0, timeoutMs: 10_000 }).catch(() => []);
      await sleep(settleMs);
      expect.soft(sandbox.inbox(openId).map((reply) => [reply.via, reply.content])).toEqual([['api', 'echo: 断开重试']]);
      const rows = await rowsOf(openId);
      expect.soft(rows.outbound.map((row) => [row.deliveryStatus, row.deliveryVia])).toEqual([['sent', 'api']]);
      expect(pipelineRuns.get(openId)).toBe(1);
    }, 60_000);

    test('when the passive budget runs out, every try is acknowledged and the answer arrives once through the API', async () => {
      const { sandbox } = channels.get('hasty-oa')!;
      const openId = `o_hasty_${mode}`;

      const delivery = await sandbox.sendText(openId, '预算用完');

      expect(delivery.tries).toBe(3);
      expect(delivery.outcome).toBe('acknowledged');
      await hastyWire.settled();
      expect(hastyWire.answers()).toEqual([
        { status: 200, body: 'success' },
        { status: 200, body: 'success' },
        { status: 200, body: 'success' },
      ]);
      expect(sandbox.inbox(openId)).toEqual([]);

      const [reply] = await sandbox.waitForReplies(openId, { timeoutMs: 15_000 });
      expect(reply).toMatchObject({ via: 'api', content: 'echo: 预算用完' });
      await sleep(settleMs);
      expect(sandbox.inbox(openId)).toHaveLength(1);
      expect(sandbox.stats().sendsDelivered).toBe(1);
      expect(pipelineRuns.get(openId)).toBe(1);
      const rows = await rowsOf(openId);
      expect(rows.inbound.map((row) => row.processingStatus)).toEqual(['processed']);
      expect(rows.outbound.map((row) => [row.deliveryStatus, row.deliveryVia])).toEqual([['sent', 'api']]);
    }, 60_000);
  });
});
