/**
 * CPU time actually used by the processes of a target (Linux /proc): unlike requests/s on a
 * shared, oversubscribed machine, CPU milliseconds per request barely depend on what else runs.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

const ticksPerSecond = 100; // USER_HZ on Linux

/** utime + stime of a process (all its threads) in ms, or undefined when it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** Sum of `processCpuMs` over `pids` (missing ones count 0). */
export function totalCpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0);
}

/** PIDs of the PostgreSQL backends connected to `database`. */
export async function postgresBackendPids(adminUrl: string, database: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const result = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database]);
    return result.rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}
