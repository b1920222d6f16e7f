/** `kefu bench <name>`: run one of the benchmarks in bench/ with the same Node and loader. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KefuError } from '../errors.ts';

/** Each benchmark `kefu bench` runs, by name: its script, relative to this file. */
export const benches: Record<string, string> = {
  ingress: '../../bench/ingress/run.ts',
  knowledge: '../../bench/knowledge/retrieval.ts',
  intents: '../../bench/knowledge/intents.ts',
  'pglite-statements': '../../bench/storage/pglite-statements.ts',
};

export async function runBench(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  const relative = name ? benches[name] : undefined;
  if (!relative) throw new KefuError('usage', `kefu bench: choose one of ${Object.keys(benches).join(', ')}`);
  const script = fileURLToPath(new URL(relative, import.meta.url));
  if (!existsSync(script)) throw new KefuError('not_found', `benchmark ${name} is not available in this build`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...rest], { stdio: 'inherit' });
  return result.status ?? 1;
}
