/**
 * `kefu import --file F [--workspace W] [--name N]`: import an FAQ table (TSV, CSV or JSON) into a
 * workspace's knowledge base and publish it — all rows or none. Rows that cannot be used are
 * listed with their line and reason; the running server picks the new version up within seconds.
 */
import { join, resolve } from 'node:path';
import { importFaqFile } from '../../knowledge/bootstrap.ts';
import { createKnowledgeRepository } from '../../knowledge/knowledge-repository.ts';
import { loadConfig } from '../config.ts';
import { KefuError } from '../errors.ts';
import { openDatabase } from '../storage/database.ts';
import { syncConfiguredAccounts } from '../storage/workspace-repository.ts';
import { createSecretBox, resolveSecretKey } from '../secret-box.ts';

export async function runImport(options: { file: string; workspace?: string; name?: string }): Promise<number> {
  const config = loadConfig();
  const workspace = options.workspace ?? config.defaultWorkspaceId;
  if (!config.workspaces.some((w) => w.id === workspace)) {
    throw new KefuError('usage', `--workspace: unknown workspace "${workspace}" (configured: ${config.workspaces.map((w) => w.id).join(', ')})`);
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`opening the ${config.databaseUrl ? 'PostgreSQL' : 'embedded'} database…`);
  const database = await openDatabase(
    config.databaseUrl ? { driver: 'postgres', url: config.databaseUrl } : { driver: 'pglite', dataDir: join(config.dataDir, 'pglite') },
  );
  try {
    const secretBox = createSecretBox(resolveSecretKey({ secretKey: config.secretKey, dataDir: config.dataDir, production: Boolean(config.databaseUrl) }));
    await syncConfiguredAccounts(database.db, { workspaces: config.workspaces, channels: config.channels, secretBox });
    say(`importing ${options.file} into workspace "${workspace}"…`);
    const result = await importFaqFile(
      createKnowledgeRepository(database.db),
      { workspace, file: resolve(options.file), name: options.name ?? 'FAQ' },
      (line, reason) => say(`  skipped line ${line}: ${reason}`),
    );
    say(`published version ${result.number} of "${options.name ?? 'FAQ'}": ${result.entries} entries${result.skipped ? `, ${result.skipped} rows skipped` : ''}`);
    return 0;
  } finally {
    await database.close();
  }
}
