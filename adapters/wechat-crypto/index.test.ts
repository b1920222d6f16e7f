import { describe, expect, it } from 'vitest';
import {
  assertEncodingAesKey,
  decryptMessage,
  encryptMessage,
  isEncodingAesKey,
  messageSignature,
  plainSignature,
  signaturesEqual,
  WechatCryptoError,
} from './index.ts';
import { officialAccountSample as oa, sortedSha1SelfCheck, wecomSample as wecom } from './official-vectors.ts';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof WechatCryptoError ? error.code : 'not-a-wechat-crypto-error';
  }
  return undefined;
}

describe('official vectors', () => {
  it('WeCom URL verification: signature over the echostr and its plaintext', () => {
    const vector = wecom.urlVerification;
    expect(messageSignature(wecom.token, vector.timestamp, vector.nonce, vector.echostr)).toBe(vector.msgSignature);
    expect(decodeURIComponent(vector.echostrInQuery)).toBe(vector.echostr);
    expect(decryptMessage(wecom.encodingAesKey, vector.echostr, wecom.receiveId)).toBe(vector.plaintext);
  });

  it('WeCom XML message: signature and exact plaintext', () => {
    const vector = wecom.xmlMessage;
    expect(messageSignature(wecom.token, vector.timestamp, vector.nonce, vector.encrypt)).toBe(vector.msgSignature);
    expect(decryptMessage(wecom.encodingAesKey, vector.encrypt, wecom.receiveId)).toBe(vector.plaintext);
  });

  it('WeCom JSON message: signature and the (malformed) plaintext compared as a string', () => {
    const vector = wecom.jsonMessage;
    expect(messageSignature(wecom.token, vector.timestamp, vector.nonce, vector.encrypt)).toBe(vector.msgSignature);
    expect(decryptMessage(wecom.encodingAesKey, vector.encrypt, wecom.receiveId)).toBe(vector.plaintext);
  });

  it('OA sample: msg_signature, plain signature and plaintext', () => {
    expect(messageSignature(oa.token, oa.timestamp, oa.nonce, oa.encrypt)).toBe(oa.msgSignature);
    expect(plainSignature(oa.token, oa.timestamp, oa.nonce)).toBe(oa.plainSignature);
    expect(decryptMessage(oa.encodingAesKey, oa.encrypt, oa.appId)).toBe(oa.plaintext);
  });

  it('sorted SHA-1 self-check of 789/456/123', () => {
    const [token, timestamp, nonce] = sortedSha1SelfCheck.fields;
    expect(plainSignature(token, timestamp, nonce)).toBe(sortedSha1SelfCheck.signature);
  });
});

describe('decryptMessage', () => {
  it('rejects a receiveid meant for another account, and skips the check for ""', () => {
    expect(codeOf(() => decryptMessage(oa.encodingAesKey, oa.encrypt, 'wx0000000000000000'))).toBe(
      'wechat_receive_id_mismatch',
    );
    expect(decryptMessage(oa.encodingAesKey, oa.encrypt, '')).toBe(oa.plaintext);
  });

  it('rejects non-base64, truncated and tampered ciphertext', () => {
    expect(codeOf(() => decryptMessage(oa.encodingAesKey, 'not base64!', oa.appId))).toBe('wechat_decrypt_failed');
    expect(codeOf(() => decryptMessage(oa.encodingAesKey, '', oa.appId))).toBe('wechat_decrypt_failed');
    const truncated = Buffer.from(oa.encrypt, 'base64').subarray(0, 48).toString('base64');
    expect(codeOf(() => decryptMessage(oa.encodingAesKey, truncated, oa.appId))).toBe('wechat_decrypt_failed');
    const bytes = Buffer.from(oa.encrypt, 'base64');
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0xff;
    expect(codeOf(() => decryptMessage(oa.encodingAesKey, bytes.toString('base64'), oa.appId))).toBeDefined();
  });

  it('fails with the wrong key', () => {
    expect(codeOf(() => decryptMessage(wecom.encodingAesKey, oa.encrypt, oa.appId))).toMatch(/^wechat_/);
  });
});

describe('encryptMessage', () => {
  it('round-trips UTF-8 text, including exact multiples of the 32-byte padding block', () => {
    for (const message of ['', 'hi', '你好，世界 👋', 'x'.repeat(64 - 20 - oa.appId.length), 'y'.repeat(1000)]) {
      const encrypted = encryptMessage(oa.encodingAesKey, message, oa.appId);
      expect(decryptMessage(oa.encodingAesKey, encrypted, oa.appId)).toBe(message);
    }
  });

  it('is deterministic for a fixed random prefix and randomised otherwise', () => {
    const random = Buffer.alloc(16, 7);
    const first = encryptMessage(oa.encodingAesKey, 'same', oa.appId, random);
    expect(encryptMessage(oa.encodingAesKey, 'same', oa.appId, random)).toBe(first);
    expect(encryptMessage(oa.encodingAesKey, 'same', oa.appId)).not.toBe(encryptMessage(oa.encodingAesKey, 'same', oa.appId));
  });
});

describe('EncodingAESKey validation', () => {
  it('accepts 43 base64 characters and rejects anything else', () => {
    expect(isEncodingAesKey(oa.encodingAesKey)).toBe(true);
    expect(isEncodingAesKey(wecom.encodingAesKey)).toBe(true);
    expect(isEncodingAesKey(oa.encodingAesKey.slice(1))).toBe(false);
    expect(isEncodingAesKey(`${oa.encodingAesKey}A`)).toBe(false);
    expect(isEncodingAesKey(`${oa.encodingAesKey.slice(1)}-`)).toBe(false);
    expect(codeOf(() => assertEncodingAesKey('short'))).toBe('wechat_invalid_aes_key');
    expect(codeOf(() => encryptMessage('short', 'x', oa.appId))).toBe('wechat_invalid_aes_key');
  });
});

describe('signaturesEqual', () => {
  it('compares in constant time, ignoring hex case of the received value', () => {
    expect(signaturesEqual(oa.plainSignature, oa.plainSignature)).toBe(true);
    expect(signaturesEqual(oa.plainSignature, oa.plainSignature.toUpperCase())).toBe(true);
    expect(signaturesEqual(oa.plainSignature, oa.msgSignature)).toBe(false);
    expect(signaturesEqual(oa.plainSignature, oa.plainSignature.slice(1))).toBe(false);
    expect(signaturesEqual(oa.plainSignature, '')).toBe(false);
  });
});
