/**
 * The bench's own server processes — the ceiling, the peer and the stand-in WeChat API
 * (`servers.ts`) — as child processes, and how this machine and checkout are described in the report.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Start `servers.ts <kind>` and wait until it listens. */
export interface ServerChild {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startServer(kind: 'ceiling' | 'peer' | 'wechat-api'): Promise<ServerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/ingress/servers.ts'), kind], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /listening (\d+)/.exec(buffer);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The checkout's short commit id, or `unknown`. */
export function shortCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** `nproc` (CPUs this process may use), or Node's count. */
export function nproc(): string {
  try {
    return execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    return String(availableParallelism());
  }
}
