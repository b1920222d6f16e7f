/**
 * One process at a time on an embedded (PGlite) data directory: two would corrupt it. A lock file
 * holds the owner's pid; a lock left by a killed process (pid no longer alive) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { KefuError } from '../errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock at `path`; returns its release function. Throws `database_busy` when held. */
export function lockDataDir(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
        throw new KefuError(
          'database_busy',
          `the embedded database is in use by process ${owner} (${path}); stop that process first, or use DATABASE_URL`,
        );
      }
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new KefuError('database_busy', `cannot lock ${path}`);
}
