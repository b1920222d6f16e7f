/**
 * WeChat-family callback crypto (PLATFORMS.md §1): signatures and AES message encryption shared by
 * the Official Account safe mode and the WeCom app, 微信客服 and AI-bot callbacks.
 */
export { plainSignature, messageSignature, signaturesEqual } from './signature.ts';
export { assertEncodingAesKey, isEncodingAesKey, decryptMessage, encryptMessage } from './message-cipher.ts';
export { WechatCryptoError, type WechatCryptoErrorCode } from './wechat-crypto-error.ts';
