/**
 * Operator passwords: scrypt hashes encoded as `scrypt$N$r$p$salt$hash` (salt and hash base64url),
 * so the cost can be raised later without breaking stored hashes, and the password policy.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';

/** Cost parameters of new hashes (OWASP's scrypt minimum is N=2^17 r=8 p=1 or N=2^14 r=8 p=5). */
export const scryptParameters = { N: 16_384, r: 8, p: 1 } as const;

/** Shortest accepted password, in characters. */
export const minimumPasswordLength = 10;
/** Longest accepted password: bounds the work an attacker can make one login request cost. */
export const maximumPasswordLength = 1024;

const saltBytes = 16;
const keyBytes = 32;
// Reject stored parameters that would make a single verify absurdly expensive (a tampered row).
const maximumCost = 2 ** 20;
const maxmem = 256 * 1024 * 1024;

function deriveKey(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hash a password with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = scryptParameters;
  const salt = randomBytes(saltBytes);
  const key = await deriveKey(password, salt, { N, r, p }, keyBytes);
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(encoded: string): ParsedHash | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^\d{1,8}$/.test(part) ? Number(part) : Number.NaN));
  if (N === undefined || r === undefined || p === undefined) return undefined;
  const powerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > maximumCost || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16)) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { N, r, p, salt, key };
}

/** True when `password` matches `encoded`; false for a wrong password or an unreadable hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) return false;
  const { N, r, p, salt, key } = parsed;
  const candidate = await deriveKey(password, salt, { N, r, p }, key.length);
  return timingSafeEqual(candidate, key);
}

let dummyHash: Promise<string> | undefined;

/**
 * A hash of a random password, made once per process. Verifying against it when a username is
 * unknown makes that answer take as long as a wrong password for a real user.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url'));
  return dummyHash;
}

/** A random password for one-time use (first admin, operators created without one): 24 chars. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** What is wrong with `password` under the policy, or undefined when it is acceptable. */
export function passwordPolicyProblem(password: string, context: { username?: string } = {}): string | undefined {
  const length = [...password].length;
  if (length < minimumPasswordLength) return `must be at least ${minimumPasswordLength} characters`;
  if (length > maximumPasswordLength) return `must be at most ${maximumPasswordLength} characters`;
  if (password.trim() === '') return 'must not be blank';
  if (context.username && password.toLowerCase() === context.username.toLowerCase()) {
    return 'must differ from the username';
  }
  return undefined;
}

/** Zod schema of a new password under the policy (the username check needs the caller's context). */
export const newPasswordSchema = z.string().superRefine((password, refinement) => {
  const problem = passwordPolicyProblem(password);
  if (problem) refinement.addIssue({ code: 'custom', message: problem });
});
