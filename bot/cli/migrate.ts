/** `kefu migrate`: bring the configured database's schema up to date and exit. */
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../storage/database.ts';

export async function runMigrate(): Promise<number> {
  const config = loadConfig();
  const database = await openDatabase(
    config.databaseUrl ? { driver: 'postgres', url: config.databaseUrl } : { driver: 'pglite', dataDir: join(config.dataDir, 'pglite') },
  );
  await database.close();
  process.stdout.write(`migrations applied (${database.driver})\n`);
  return 0;
}
