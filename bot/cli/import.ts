/**
 * `kefu import --file F [--file F2 | DIR …] [--workspace W] [--name N]`: import FAQ tables (TSV,
 * CSV, JSON, XLSX) and documents (Markdown, HTML, text, PDF, DOCX) into a workspace's knowledge
 * base and publish them as one version — all files or none. Progress goes to stderr; problems are
 * printed as `file:line: reason`, then the published version and what it changed against what it
 * replaced (`summarizeImportDiff`, worded by `import-summary.ts`). The running server picks the
 * version up within seconds.
 */
import { join } from 'node:path';
import { importKnowledgeFiles, KnowledgeImportError, type ImportProblem } from '../../knowledge/import/import-knowledge-files.ts';
import { collectKnowledgeFiles } from '../../knowledge/import/knowledge-file-sources.ts';
import { summarizeImportDiff } from '../../knowledge/import-diff-summary.ts';
import { createKnowledgeRepository } from '../../knowledge/knowledge-repository.ts';
import { loadConfig } from '../config.ts';
import { KefuError } from '../errors.ts';
import { createSecretBox, resolveSecretKey } from '../secret-box.ts';
import { openDatabase } from '../storage/database.ts';
import { syncConfiguredAccounts } from '../storage/workspace-repository.ts';
import { createImportProgress, type ProgressStream } from './import-progress.ts';
import { diffLines, publishedLine } from './import-summary.ts';

export interface ImportCommandOptions {
  /** Files and directories. */
  files: string[];
  workspace?: string;
  name?: string;
  /** XLSX worksheet (default the first). */
  sheet?: string;
  /** Document chunk sizes (defaults 400 / 1200 characters). */
  chunkLimits?: { targetChars?: number; maxChars?: number };
}

/** One problem as the command prints it. */
export function formatProblem(problem: ImportProblem): string {
  return problem.line === undefined ? `${problem.file}: ${problem.reason}` : `${problem.file}:${problem.line}: ${problem.reason}`;
}

export async function runImport(
  options: ImportCommandOptions,
  output: { stdout: ProgressStream; stderr: ProgressStream } = { stdout: process.stdout, stderr: process.stderr },
  environment: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<number> {
  const config = loadConfig(environment.env, environment.cwd);
  const workspace = options.workspace ?? config.defaultWorkspaceId;
  const name = options.name ?? 'FAQ';
  if (!config.workspaces.some((w) => w.id === workspace)) {
    throw new KefuError('usage', `--workspace: unknown workspace "${workspace}" (configured: ${config.workspaces.map((w) => w.id).join(', ')})`);
  }
  const say = (line: string) => output.stdout.write(`${line}\n`);
  const files = await collectKnowledgeFiles(options.files);
  output.stderr.write(`opening the ${config.databaseUrl ? 'PostgreSQL' : 'embedded'} database…\n`);
  const database = await openDatabase(
    config.databaseUrl ? { driver: 'postgres', url: config.databaseUrl } : { driver: 'pglite', dataDir: join(config.dataDir, 'pglite') },
  );
  try {
    const secretBox = createSecretBox(resolveSecretKey({ secretKey: config.secretKey, dataDir: config.dataDir, production: Boolean(config.databaseUrl) }));
    await syncConfiguredAccounts(database.db, { workspaces: config.workspaces, channels: config.channels, secretBox });
    output.stderr.write(`importing ${files.length} file${files.length === 1 ? '' : 's'} into "${name}" of workspace "${workspace}"…\n`);
    const progress = createImportProgress(output.stderr, files.length);
    try {
      const parseOptions = { chunkLimits: withoutUndefined(options.chunkLimits ?? {}), ...(options.sheet ? { sheet: options.sheet } : {}) };
      const result = await importKnowledgeFiles(createKnowledgeRepository(database.db), { workspace, name, files, options: parseOptions }, progress);
      progress.stop();
      result.problems.forEach((problem) => say(formatProblem(problem)));
      say(publishedLine(name, result));
      diffLines(summarizeImportDiff(result)).forEach(say);
      return 0;
    } catch (error) {
      progress.stop();
      if (!(error instanceof KnowledgeImportError)) throw error;
      error.problems.forEach((problem) => say(formatProblem(problem)));
      say(`${error.message}; ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`);
      return 1;
    }
  } finally {
    await database.close();
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
