/**
 * Encrypts channel secrets at rest with AES-256-GCM. The key is derived (scrypt) from
 * `KEFU_SECRET_KEY`; in embedded mode without one, a random key is created once in
 * `DATA_DIR/secret.key` (mode 0600) so the demo needs no setup.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KefuError } from './errors.ts';

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

const version = 'v1';

/** A box keyed by `keyMaterial` (any string of ≥ 32 characters). */
export function createSecretBox(keyMaterial: string): SecretBox {
  const key = scryptSync(keyMaterial, 'kefu-secret-box', 32);
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [version, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
    },
    open(sealed) {
      const [tag, iv, auth, body] = sealed.split('.');
      if (tag !== version || !iv || !auth || body === undefined) {
        throw new KefuError('bad_secret', 'sealed secret has an unknown format');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
        decipher.setAuthTag(Buffer.from(auth, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new KefuError('bad_secret', 'cannot decrypt secret: was KEFU_SECRET_KEY changed?', { cause });
      }
    },
  };
}

/** The key from the environment, or the embedded key file (created on first use). */
export function resolveSecretKey(options: { secretKey?: string; dataDir: string; production: boolean }): string {
  if (options.secretKey) return options.secretKey;
  if (options.production) {
    throw new KefuError('bad_config', 'KEFU_SECRET_KEY: required when DATABASE_URL is set (production mode)');
  }
  const file = join(options.dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(options.dataDir, { recursive: true });
  const generated = randomBytes(32).toString('base64url');
  writeFileSync(file, generated, { mode: 0o600 });
  return generated;
}
