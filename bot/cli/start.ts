/** `kefu start`: run the server until SIGINT/SIGTERM, then drain and close cleanly. */
import { startKefu } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';

export async function runStart(): Promise<number> {
  const config = loadConfig();
  const log = createLogger();
  const kefu = await startKefu(config, { log });
  const lines = [
    '',
    `Kefu is running at ${kefu.url}  (${config.databaseUrl ? 'production: PostgreSQL' : `embedded: PGlite in ${config.dataDir}`}, ${config.redisUrl ? 'Redis + BullMQ' : 'in-process queue'})`,
    `  config:     ${config.source === 'demo' ? 'built-in demo (no kefu.config.json)' : config.source}`,
    ...config.channels.map((channel) => `  webhook:    ${kefu.url}/webhooks/${channel.type}/${channel.id}`),
    ...(config.sandbox ? [`  demo chat:  ${kefu.url}/   (or run: npm run kefu -- chat)`] : []),
    `  health:     ${kefu.url}/healthz   ready: ${kefu.url}/readyz   metrics: ${kefu.url}/metrics`,
    `  API:        ${kefu.url}/api/v1  (OpenAPI: ${kefu.url}/api/v1/openapi.json)`,
    `  handoff:    customers who ask for a human (转人工) wait in ${kefu.url}/api/v1/conversations?status=pending;`,
    `              take over, write, hand back: POST …/conversations/{id}/take-over | messages | hand-back`,
  ];
  if (kefu.firstAdmin) {
    lines.push(
      '',
      `  First admin created — shown only this once, change it at first login:`,
      `    username: ${kefu.firstAdmin.username}`,
      `    password: ${kefu.firstAdmin.password}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await kefu.close();
  return 0;
}
