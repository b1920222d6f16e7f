/**
 * `kefu admin reset-password [--username U]`: give a dashboard operator (default `admin`) a new
 * one-time password, printed once. In embedded mode stop the server first: the embedded database
 * belongs to one process at a time.
 */
import { join } from 'node:path';
import { resetOperatorPassword } from '../../dashboards/api/password-reset.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../storage/database.ts';

export async function runResetPassword(options: { username?: string }): Promise<number> {
  const config = loadConfig();
  const database = await openDatabase(
    config.databaseUrl ? { driver: 'postgres', url: config.databaseUrl } : { driver: 'pglite', dataDir: join(config.dataDir, 'pglite') },
  );
  try {
    const reset = await resetOperatorPassword(database.db, options.username ?? 'admin');
    process.stdout.write(
      [
        `new one-time password for "${reset.username}" (workspace ${reset.workspaceId}); it is shown only now:`,
        `  ${reset.password}`,
        `change it at the next login; ${reset.sessionsEnded} session(s) ended.`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await database.close();
  }
}
