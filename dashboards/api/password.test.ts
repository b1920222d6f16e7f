import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, passwordPolicyProblem, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('encodes scrypt parameters, a 16-byte salt and the key', async () => {
    const encoded = await hashPassword('correct horse battery');
    const [scheme, N, r, p, salt, key] = encoded.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(key ?? '', 'base64url')).toHaveLength(32);
  });

  it('verifies the right password only, and salts every hash', async () => {
    const one = await hashPassword('correct horse battery');
    const two = await hashPassword('correct horse battery');
    expect(one).not.toBe(two);
    expect(await verifyPassword('correct horse battery', one)).toBe(true);
    expect(await verifyPassword('correct horse battery', two)).toBe(true);
    expect(await verifyPassword('correct horse batterY', one)).toBe(false);
  });

  it('treats unreadable or absurd stored hashes as a mismatch', async () => {
    const encoded = await hashPassword('correct horse battery');
    const parts = encoded.split('$');
    const withCost = (N: string) => [parts[0], N, ...parts.slice(2)].join('$');
    for (const broken of ['', 'bcrypt$x', withCost('1000'), withCost(String(2 ** 24)), encoded.replace(/\$[^$]+$/, '$')]) {
      expect(await verifyPassword('correct horse battery', broken)).toBe(false);
    }
  });

  it('applies the policy: at least 10 characters, not the username', () => {
    expect(passwordPolicyProblem('123456789')).toMatch(/at least 10/);
    expect(passwordPolicyProblem('          ')).toMatch(/blank/);
    expect(passwordPolicyProblem('AliceAdmin1', { username: 'aliceadmin1' })).toMatch(/username/);
    expect(passwordPolicyProblem('一二三四五六七八九十')).toBeUndefined();
    expect(passwordPolicyProblem(generatePassword())).toBeUndefined();
  });
});
