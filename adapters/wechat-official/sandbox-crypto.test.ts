import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { officialAccountSample as oa, sortedSha1SelfCheck, wecomSample as wecom } from '../wechat-crypto/official-vectors.ts';
import { SandboxCryptoError, sandboxDecrypt, sandboxEncrypt, sandboxSignature } from './sandbox-crypto.ts';

describe('sandbox crypto against the official vectors', () => {
  it('WeCom URL verification, XML and JSON messages', () => {
    const url = wecom.urlVerification;
    expect(sandboxSignature(wecom.token, url.timestamp, url.nonce, url.echostr)).toBe(url.msgSignature);
    expect(sandboxDecrypt(wecom.encodingAesKey, url.echostr, wecom.receiveId)).toBe(url.plaintext);
    for (const vector of [wecom.xmlMessage, wecom.jsonMessage]) {
      expect(sandboxSignature(wecom.token, vector.timestamp, vector.nonce, vector.encrypt)).toBe(vector.msgSignature);
      expect(sandboxDecrypt(wecom.encodingAesKey, vector.encrypt, wecom.receiveId)).toBe(vector.plaintext);
    }
  });

  it('OA sample: msg_signature, plain signature, plaintext', () => {
    expect(sandboxSignature(oa.token, oa.timestamp, oa.nonce, oa.encrypt)).toBe(oa.msgSignature);
    expect(sandboxSignature(oa.token, oa.timestamp, oa.nonce)).toBe(oa.plainSignature);
    expect(sandboxDecrypt(oa.encodingAesKey, oa.encrypt, oa.appId)).toBe(oa.plaintext);
  });

  it('789/456/123 self-check', () => {
    expect(sandboxSignature(...sortedSha1SelfCheck.fields)).toBe(sortedSha1SelfCheck.signature);
  });

  it('re-encrypting the OA plaintext with its own random prefix reproduces the official ciphertext', () => {
    const random = Buffer.from(sandboxDecryptRandom(oa.encodingAesKey, oa.encrypt));
    expect(sandboxEncrypt(oa.encodingAesKey, oa.plaintext, oa.appId, random)).toBe(oa.encrypt);
  });

  it('refuses another receiveid and garbage', () => {
    expect(() => sandboxDecrypt(oa.encodingAesKey, oa.encrypt, 'wx0000000000000000')).toThrow(SandboxCryptoError);
    expect(() => sandboxDecrypt(oa.encodingAesKey, 'AAAA', oa.appId)).toThrow(SandboxCryptoError);
  });
});

/** The 16-byte random prefix of a ciphertext (decrypting the first block is enough). */
function sandboxDecryptRandom(encodingAesKey: string, encrypted: string): Uint8Array {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return decipher.update(Buffer.from(encrypted, 'base64')).subarray(0, 16);
}
