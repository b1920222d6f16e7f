/**
 * A Kefu process killed with SIGKILL — no shutdown code runs — loses nothing it acknowledged: after a
 * restart on the same storage the message is processed and answered exactly once. Real processes
 * (`node bin/kefu.mjs start`), a real SIGKILL, and WeChat as a sandbox on its own port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { demoKnowledgeFile } from '../bot/config.ts';
import { messages } from '../bot/storage/schema.ts';
import { createExternalChannel, writeKefuConfig, type ExternalChannel } from './support/external-channel.ts';
import { killKefuProcesses, startKefuProcess, type KefuProcess } from './support/kefu-process.ts';
import { createModeEnvironment, openModeDatabase, runtimeModes, type RuntimeMode } from './support/modes.ts';

const question = '你们晚上几点关门';
/** From the demo knowledge base's answer to `question`. */
const answerText = '10:00–22:00';
/** Quiet time after the reply in which a second one would have shown up. */
const settleMs = 3000;

describe.each(await runtimeModes())('$mode mode', ({ mode, available }) => {
  describe.skipIf(!available)('a Kefu process killed with SIGKILL', () => {
    let channel: ExternalChannel | undefined;
    let configDir: string | undefined;
    const cleanups: Array<() => Promise<void>> = [];

    beforeAll(async () => {
      // Passive budget 0: every callback is acknowledged at once and answered through the API.
      channel = await createExternalChannel('crash-oa', { passiveReplyBudgetMs: 0 });
      configDir = mkdtempSync(join(tmpdir(), 'kefu-crash-config-'));
      writeKefuConfig(configDir, [channel], { knowledge: [{ file: demoKnowledgeFile, name: 'FAQ' }] });
    });

    afterAll(async () => {
      await killKefuProcesses();
      await channel?.sandbox.close();
      for (const cleanup of cleanups.reverse()) await cleanup();
      if (configDir) rmSync(configDir, { recursive: true, force: true });
    });

    /** Fresh storage for one test: a data directory, and in production mode a database and Redis. */
    async function freshStorage() {
      const environment = await createModeEnvironment(mode);
      const dataDir = mkdtempSync(join(tmpdir(), 'kefu-crash-data-'));
      cleanups.push(async () => {
        await environment.dispose();
        rmSync(dataDir, { recursive: true, force: true });
      });
      return { dataDir, env: { ...environment.env, DATA_DIR: dataDir, KEFU_CONFIG: join(configDir!, 'kefu.config.json') } };
    }

    test('after acknowledging and before replying: after a restart the message is answered exactly once', async () => {
      const { sandbox } = channel!;
      const openId = `o_web_killed_${mode}`;
      const { env, dataDir } = await freshStorage();

      // A web-only process acknowledges and stores, but nothing processes: the window is held open.
      const web = await startKefuProcess({ env: { ...env, KEFU_ROLE: 'web' } });
      channel!.connect(web.url);
      expect(await sandbox.sendText(openId, question)).toMatchObject({ outcome: 'acknowledged', tries: 1 });
      await sleep(1000);
      expect(sandbox.inbox(openId)).toEqual([]);
      await web.kill();

      const restarted = await startKefuProcess({ env: { ...env, KEFU_ROLE: 'all' } });
      channel!.connect(restarted.url);
      const [reply] = await explained(sandbox.waitForReplies(openId, { afterSequence: 0, timeoutMs: 60_000 }), [web, restarted]);
      expect(reply?.via).toBe('api');
      expect(reply?.content).toContain(answerText);
      await sleep(settleMs);
      expect(sandbox.inbox(openId)).toHaveLength(1);
      expect(await restarted.stop()).toBe(0);
      expect(await storedMessages(env, dataDir, openId)).toEqual({ inbound: ['processed'], outbound: [['sent', 'api']] });
    }, 180_000);

    test('mid-pipeline: after a restart the message is answered exactly once', async () => {
      const { sandbox } = channel!;
      const openId = `o_pipeline_killed_${mode}`;
      const { env, dataDir } = await freshStorage();

      // A full process whose pipeline takes the message and never finishes it.
      const stalling = await startKefuProcess({ env, nodeOptions: ['--import', 'tsx'], command: ['test/support/stalling-kefu.ts'] });
      channel!.connect(stalling.url);
      expect(await sandbox.sendText(openId, question)).toMatchObject({ outcome: 'acknowledged', tries: 1 });
      await stalling.waitForOutput(`pipeline entered: ${question}`, 30_000);
      await stalling.kill();

      // The dead process's job lease and conversation lease (30 s each) must run out first.
      const restarted = await startKefuProcess({ env });
      channel!.connect(restarted.url);
      const [reply] = await explained(sandbox.waitForReplies(openId, { afterSequence: 0, timeoutMs: 120_000 }), [stalling, restarted]);
      expect(reply?.via).toBe('api');
      expect(reply?.content).toContain(answerText);
      await sleep(settleMs);
      expect(sandbox.inbox(openId)).toHaveLength(1);
      expect(await restarted.stop()).toBe(0);
      expect(await storedMessages(env, dataDir, openId)).toEqual({ inbound: ['processed'], outbound: [['sent', 'api']] });
    }, 240_000);
  });
});

/** On failure, add what the Kefu processes logged to the error. */
async function explained<T>(promise: Promise<T>, processes: KefuProcess[]): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    const logs = processes.map((kefu, index) => `--- Kefu process ${index + 1} ---\n${kefu.output()}`).join('\n');
    throw new Error(`${(error as Error).message}\n${logs}`, { cause: error });
  }
}

/** The follower's messages as stored, read once Kefu has stopped. */
async function storedMessages(env: Record<string, string>, dataDir: string, openId: string) {
  const database = await openModeDatabase(env, dataDir);
  try {
    const rows = await database.db.select().from(messages).where(eq(messages.platformUserId, openId)).orderBy(messages.sequence);
    return {
      inbound: rows.filter((row) => row.direction === 'inbound').map((row) => row.processingStatus),
      outbound: rows.filter((row) => row.direction === 'outbound').map((row) => [row.deliveryStatus, row.deliveryVia]),
    };
  } finally {
    await database.close();
  }
}
