/**
 * Start a real Kefu for end-to-end tests: embedded (PGlite in a temp dir, in-process queue) or
 * production mode (a fresh PostgreSQL database + Redis/BullMQ; set KEFU_REDIS_PREFIX per instance), with the demo
 * configuration's sandbox Official Account mounted on the same server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKefu, type RunningKefu, type StartOptions } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/logger.ts';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface TestKefu extends RunningKefu {
  dataDir: string;
}

/** Start the demo configuration on a free port, with extra environment (e.g. DATABASE_URL). */
export async function startTestKefu(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestKefu> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kefu-test-'));
  const port = await freePort();
  const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ...env }, dataDir);
  const kefu = await startKefu(config, { log: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), port, passivePollMs: 50, ...options });
  return {
    ...kefu,
    dataDir,
    close: async () => {
      await kefu.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
