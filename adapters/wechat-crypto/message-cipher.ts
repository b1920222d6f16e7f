/**
 * AES-256-CBC message encryption shared by OA safe mode and WeCom (PLATFORMS.md §1.1–1.2), on top of
 * `@wecom/crypto`. That library neither checks the receiveid nor validates its input, so this file
 * adds both: a decrypted message is only returned when it was meant for `expectedReceiveId`.
 */
import { decrypt, encrypt } from '@wecom/crypto';
import { WechatCryptoError } from './wechat-crypto-error.ts';

const encodingAesKeyPattern = /^[A-Za-z0-9+/]{43}$/;
const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;
/** Plaintext is padded to 32-byte blocks (PKCS#7 with block size 32), so ciphertext is too. */
const paddingBlockSize = 32;

/**
 * Check an EncodingAESKey: 43 base64 characters that decode (with "=" appended) to a 32-byte AES key.
 * Throws `WechatCryptoError` (`wechat_invalid_aes_key`) otherwise.
 */
export function assertEncodingAesKey(encodingAesKey: string): void {
  if (!encodingAesKeyPattern.test(encodingAesKey)) {
    throw new WechatCryptoError('wechat_invalid_aes_key', 'EncodingAESKey must be 43 base64 characters');
  }
  if (Buffer.from(`${encodingAesKey}=`, 'base64').length !== 32) {
    throw new WechatCryptoError('wechat_invalid_aes_key', 'EncodingAESKey must decode to 32 bytes');
  }
}

/** True when `encodingAesKey` is a valid EncodingAESKey (see `assertEncodingAesKey`). */
export function isEncodingAesKey(encodingAesKey: string): boolean {
  try {
    assertEncodingAesKey(encodingAesKey);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decrypt a base64 `Encrypt` value and check its trailing receiveid against `expectedReceiveId`
 * (the OA AppID or WeCom CorpID); pass "" to skip the check (WeCom internal AI bot, whose receiveid
 * is empty). Returns the message text. Throws `WechatCryptoError`.
 */
export function decryptMessage(encodingAesKey: string, encrypted: string, expectedReceiveId: string): string {
  assertEncodingAesKey(encodingAesKey);
  const byteLength = base64Pattern.test(encrypted) ? Buffer.from(encrypted, 'base64').length : 0;
  if (byteLength === 0 || byteLength % paddingBlockSize !== 0) {
    throw new WechatCryptoError('wechat_decrypt_failed', 'ciphertext is not base64 of whole 32-byte blocks');
  }
  let opened: { message: string; id: string; random: Buffer };
  try {
    opened = decrypt(encodingAesKey, encrypted);
  } catch (error) {
    throw new WechatCryptoError('wechat_decrypt_failed', 'ciphertext did not decrypt', { cause: error });
  }
  if (opened.random.length !== 16) {
    throw new WechatCryptoError('wechat_decrypt_failed', 'decrypted payload is too short');
  }
  if (expectedReceiveId !== '' && opened.id !== expectedReceiveId) {
    throw new WechatCryptoError('wechat_receive_id_mismatch', 'decrypted receiveid does not match this account');
  }
  return opened.message;
}

/**
 * Encrypt `message` for `receiveId` (random 16-byte prefix unless `random` is given, for tests).
 * Returns the base64 ciphertext to put in `Encrypt`.
 */
export function encryptMessage(encodingAesKey: string, message: string, receiveId: string, random?: Buffer): string {
  assertEncodingAesKey(encodingAesKey);
  return encrypt(encodingAesKey, message, receiveId, random);
}
