/**
 * WeChat's side of the callback crypto, written independently of `adapters/wechat-crypto` (straight
 * on node:crypto, no shared helper) so the sandbox cannot quietly agree with a wrong adapter. Both
 * are pinned to the official vectors (PLATFORMS.md Appendix A).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { KefuError } from '../../bot/errors.ts';

/** A reply the sandbox could not open (bad signature, key, layout or receiveid). */
export class SandboxCryptoError extends KefuError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('sandbox_crypto_failed', message, options);
  }
}

/** SHA-1 hex of the sorted concatenation of `fields` (3 fields: `signature`; 4: `msg_signature`). */
export function sandboxSignature(...fields: string[]): string {
  return createHash('sha1').update([...fields].sort().join('')).digest('hex');
}

function aesKey(encodingAesKey: string): { key: Buffer; iv: Buffer } {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (encodingAesKey.length !== 43 || key.length !== 32) throw new SandboxCryptoError('EncodingAESKey is invalid');
  return { key, iv: key.subarray(0, 16) };
}

/** Encrypt like WeChat: random(16) ‖ length(4, BE) ‖ message ‖ receiveId, PKCS#7 to 32-byte blocks. */
export function sandboxEncrypt(encodingAesKey: string, message: string, receiveId: string, random = randomBytes(16)): string {
  const { key, iv } = aesKey(encodingAesKey);
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([random, length, body, Buffer.from(receiveId, 'utf8')]);
  const padLength = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(padLength, padLength)])), cipher.final()]).toString(
    'base64',
  );
}

/** Decrypt like WeChat's sample, checking padding, layout and that the receiveid is `receiveId`. */
export function sandboxDecrypt(encodingAesKey: string, encrypted: string, receiveId: string): string {
  const { key, iv } = aesKey(encodingAesKey);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
    plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  } catch (error) {
    throw new SandboxCryptoError('ciphertext does not decrypt', { cause: error });
  }
  const padLength = plain.at(-1) ?? 0;
  if (padLength < 1 || padLength > 32 || plain.length < 20 + padLength) throw new SandboxCryptoError('bad padding');
  const unpadded = plain.subarray(0, plain.length - padLength);
  const length = unpadded.readUInt32BE(16);
  if (20 + length > unpadded.length) throw new SandboxCryptoError('bad message length');
  const foundReceiveId = unpadded.subarray(20 + length).toString('utf8');
  if (foundReceiveId !== receiveId) throw new SandboxCryptoError(`receiveid ${foundReceiveId} is not ${receiveId}`);
  return unpadded.subarray(20, 20 + length).toString('utf8');
}
