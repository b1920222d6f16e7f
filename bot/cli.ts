/**
 * The `kefu` command line: start, migrate, import, chat, eval, bench. Each command is a small
 * module loaded on demand so `kefu eval` does not pay for the HTTP server and vice versa.
 */
import { parseArgs } from 'node:util';
import { ConfigError, KefuError } from './errors.ts';

const usage = `kefu — IM-native customer-service bot

Usage:
  kefu start                         start the server (embedded demo when no kefu.config.json)
  kefu migrate                       apply database migrations and exit
  kefu import --file F [--file F2|DIR …] [--workspace W] [--name N]
             [--sheet S] [--chunk-target 400] [--chunk-max 1200]
                                     import FAQ tables (TSV/CSV/JSON/XLSX) and documents (Markdown/HTML/
                                     text/PDF/DOCX) into a knowledge base and publish them as one version
  kefu chat [--user OPENID]          talk to the bot as a WeChat follower through the sandbox
  kefu admin reset-password [--username U]
                                     give a dashboard operator (default admin) a new one-time password
  kefu eval retrieval --kb F --queries F
  kefu eval intents --train F --test F
  kefu bench <name> [flags]          run a benchmark: ingress, knowledge, intents, pglite-statements (bench/README.md)

Environment: PORT, HOST, DATA_DIR, DATABASE_URL, REDIS_URL, KEFU_CONFIG, KEFU_SECRET_KEY,
LLM_BASE_URL, LLM_API_KEY, LLM_MODEL, EMBEDDING_MODEL, LOG_LEVEL (see README.md).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return (await import('./cli/start.ts')).runStart();
    case 'migrate':
      return (await import('./cli/migrate.ts')).runMigrate();
    case 'import': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          file: { type: 'string', multiple: true },
          workspace: { type: 'string' },
          name: { type: 'string' },
          sheet: { type: 'string' },
          'chunk-target': { type: 'string' },
          'chunk-max': { type: 'string' },
        },
      });
      const files = [...(values.file ?? []), ...positionals];
      if (files.length === 0) throw new KefuError('usage', 'kefu import: --file is required (a file or a directory; repeat it for several)');
      const count = (flag: string, value: string | undefined) => {
        if (value === undefined) return undefined;
        if (!/^[1-9]\d*$/.test(value)) throw new KefuError('usage', `kefu import: --${flag} must be a positive whole number of characters`);
        return Number(value);
      };
      return (await import('./cli/import.ts')).runImport({
        files,
        workspace: values.workspace,
        name: values.name,
        sheet: values.sheet,
        chunkLimits: { targetChars: count('chunk-target', values['chunk-target']), maxChars: count('chunk-max', values['chunk-max']) },
      });
    }
    case 'chat': {
      const { values } = parseArgs({ args: rest, options: { user: { type: 'string' }, channel: { type: 'string' } } });
      return (await import('./cli/chat.ts')).runChat({ user: values.user, channel: values.channel });
    }
    case 'admin': {
      const [action, ...flags] = rest;
      if (action !== 'reset-password') throw new KefuError('usage', 'kefu admin: say `reset-password`');
      const { values } = parseArgs({ args: flags, options: { username: { type: 'string' } } });
      return (await import('./cli/admin.ts')).runResetPassword({ username: values.username });
    }
    case 'eval': {
      const [kind, ...flags] = rest;
      const out = (line: string) => process.stdout.write(`${line}\n`);
      if (kind === 'retrieval') {
        const { values } = parseArgs({ args: flags, options: { kb: { type: 'string' }, queries: { type: 'string' } } });
        if (!values.kb || !values.queries) throw new KefuError('usage', 'kefu eval retrieval: --kb and --queries are required');
        await (await import('../knowledge/eval/run-eval-retrieval.ts')).runEvalRetrieval({ kb: values.kb, queries: values.queries }, out);
        return 0;
      }
      if (kind === 'intents') {
        const { values } = parseArgs({ args: flags, options: { train: { type: 'string' }, test: { type: 'string' } } });
        if (!values.train || !values.test) throw new KefuError('usage', 'kefu eval intents: --train and --test are required');
        await (await import('../knowledge/intents/eval/run-eval-intents.ts')).runEvalIntents({ train: values.train, test: values.test }, out);
        return 0;
      }
      throw new KefuError('usage', 'kefu eval: say `retrieval` or `intents`');
    }
    case 'bench':
      return (await import('./cli/bench.ts')).runBench(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${usage}\n`);
      return command === undefined ? 1 : 0;
    default:
      throw new KefuError('usage', `unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`kefu: configuration error\n${error.message}\n`);
    } else if (error instanceof KefuError && error.code === 'usage') {
      process.stderr.write(`kefu: ${error.message}\n\n${usage}\n`);
    } else if (error instanceof KefuError) {
      process.stderr.write(`kefu: ${error.message}\n`);
    } else {
      process.stderr.write(`kefu: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exitCode = error instanceof KefuError && error.code === 'usage' ? 2 : 1;
  },
);
