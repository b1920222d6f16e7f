import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createSecretBox, resolveSecretKey } from './secret-box.ts';

const key = 'k'.repeat(40);

test('seals and opens; ciphertext hides the plaintext and differs each time', () => {
  const box = createSecretBox(key);
  const a = box.seal('app-secret-123');
  expect(a).not.toContain('app-secret-123');
  expect(box.seal('app-secret-123')).not.toBe(a);
  expect(box.open(a)).toBe('app-secret-123');
});

test('a different key or a tampered box cannot open it', () => {
  const sealed = createSecretBox(key).seal('x');
  expect(() => createSecretBox('z'.repeat(40)).open(sealed)).toThrow(/KEFU_SECRET_KEY/);
  const parts = sealed.split('.');
  parts[3] = Buffer.from('tampered').toString('base64');
  expect(() => createSecretBox(key).open(parts.join('.'))).toThrow();
});

test('embedded mode creates a private key file once; production requires the env key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-key-'));
  const first = resolveSecretKey({ dataDir: dir, production: false });
  expect(resolveSecretKey({ dataDir: dir, production: false })).toBe(first);
  expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
  expect(() => resolveSecretKey({ dataDir: dir, production: true })).toThrow(/KEFU_SECRET_KEY/);
});
