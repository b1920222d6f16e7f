/**
 * Kefu as a real child process — `node bin/kefu.mjs start`, as an operator runs it — for tests that
 * kill it. Only the environment given here reaches the child (no DATABASE_URL or KEFU_* leaking in
 * from the test runner's own environment), and every child started is killed by
 * `killKefuProcesses()`, which a test file calls in `afterAll` whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './kefu.ts';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const started = new Set<ChildProcess>();

export interface KefuProcess {
  url: string;
  /** Everything the process wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Resolves once `output()` contains `text`. */
  waitForOutput(text: string, timeoutMs: number): Promise<void>;
  /** SIGKILL: no shutdown code runs. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM: a clean shutdown. Resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface KefuProcessOptions {
  /** PORT and HOST are added; DATA_DIR, KEFU_CONFIG, KEFU_ROLE… are the test's. */
  env: Record<string, string>;
  /** The script and its arguments; default `bin/kefu.mjs start`. */
  command?: string[];
  /** Node options, e.g. `['--import', 'tsx']` for a TypeScript script. */
  nodeOptions?: string[];
  startTimeoutMs?: number;
}

const inherited = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];

/** Start Kefu in a child process and resolve once `/healthz` answers 200. */
export async function startKefuProcess(options: KefuProcessOptions): Promise<KefuProcess> {
  const port = await freePort();
  const env: Record<string, string> = { LOG_LEVEL: 'info', ...options.env, PORT: String(port), HOST: '127.0.0.1' };
  for (const name of inherited) if (process.env[name] !== undefined) env[name] ??= process.env[name];
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), ...(options.command ?? ['bin/kefu.mjs', 'start'])], {
    cwd: repositoryRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of [...listeners]) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => started.delete(child));
  let running = true;
  void exited.then(() => (running = false));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  for (;;) {
    if (!running) throw new Error(`Kefu exited before it was healthy:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Kefu was not healthy within ${options.startTimeoutMs ?? 90_000} ms:\n${output}`);
    }
    const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  return {
    url,
    output: () => output,
    waitForOutput: (text, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!output.includes(text)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`Kefu did not write "${text}" within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    kill: async () => {
      if (running) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (running) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** SIGKILL every child this module started that is still running. */
export async function killKefuProcesses(): Promise<void> {
  await Promise.all(
    [...started].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
