/**
 * WeChat-family callback signatures (PLATFORMS.md §1.3): SHA-1 hex of the lexicographically sorted
 * concatenation of the fields. Three fields for the Official Account `signature`, four (with the
 * ciphertext) for `msg_signature`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { getSignature } from '@wecom/crypto';

/** The Official Account plain `signature`: SHA-1 over sorted token, timestamp, nonce. */
export function plainSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

/** The `msg_signature` of an encrypted payload: SHA-1 over sorted token, timestamp, nonce, encrypt. */
export function messageSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return getSignature(token, timestamp, nonce, encrypt);
}

/**
 * Constant-time comparison of a computed signature with the one a request carried. Hex case is
 * ignored on the received side; a length mismatch is simply "not equal".
 */
export function signaturesEqual(expected: string, received: string): boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  const receivedBytes = Buffer.from(received.toLowerCase(), 'utf8');
  if (expectedBytes.length !== receivedBytes.length) return false;
  return timingSafeEqual(expectedBytes, receivedBytes);
}
