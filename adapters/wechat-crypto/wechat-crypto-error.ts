/** The error every WeChat-family crypto failure throws; adapters map its `code` to an HTTP answer. */
import { KefuError } from '../../bot/errors.ts';

/** Why a WeChat-family crypto operation failed. */
export type WechatCryptoErrorCode =
  /** The EncodingAESKey is not 43 base64 characters decoding to 32 bytes (official −40004). */
  | 'wechat_invalid_aes_key'
  /** The ciphertext is not base64, has a bad length or does not decrypt to the expected layout. */
  | 'wechat_decrypt_failed'
  /** The decrypted receiveid is not the configured AppID / CorpID (official −40005). */
  | 'wechat_receive_id_mismatch';

/** A WeChat-family crypto failure; `code` says which one. */
export class WechatCryptoError extends KefuError {
  declare readonly code: WechatCryptoErrorCode;
  constructor(code: WechatCryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
