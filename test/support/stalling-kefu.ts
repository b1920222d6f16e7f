/**
 * `kefu start` with one extra pipeline stage that announces each message it takes
 * ("pipeline entered: <text>") and never finishes — a Kefu to SIGKILL while it is mid-pipeline.
 * Run as `node --import tsx test/support/stalling-kefu.ts` with Kefu's usual environment.
 */
import { startKefu } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/logger.ts';

await startKefu(loadConfig(), {
  log: createLogger(),
  handlers: [
    async (ctx) => {
      process.stdout.write(`pipeline entered: ${ctx.text}\n`);
      await new Promise<never>(() => undefined);
    },
  ],
});
