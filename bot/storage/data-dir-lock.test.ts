import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lockDataDir } from './data-dir-lock.ts';

const path = () => join(mkdtempSync(join(tmpdir(), 'kefu-lock-')), 'pglite.lock');

test('a second opener is refused while the first holds the lock, and may take it after release', () => {
  const file = path();
  const release = lockDataDir(file);
  writeFileSync(file, String(process.ppid)); // held by another live process
  expect(() => lockDataDir(file)).toThrow(/in use by process/);
  writeFileSync(file, String(process.pid));
  release();
  expect(existsSync(file)).toBe(false);
  lockDataDir(file)();
});

test('a lock left by a killed process is taken over', async () => {
  const file = path();
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
  await new Promise((resolve) => child.once('spawn', resolve));
  writeFileSync(file, String(child.pid));
  expect(() => lockDataDir(file)).toThrow(/in use/);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const release = lockDataDir(file);
  release();
});
