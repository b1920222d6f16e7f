/**
 * Every error Kefu throws is a `KefuError` with a stable `code` and an optional `cause`, so callers
 * branch on codes, never on messages. HTTP layers map the subclasses below to status codes.
 */
export class KefuError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The request's signature (or timestamp window) did not verify: answered with 401. */
export class SignatureError extends KefuError {
  constructor(message = 'signature verification failed', options?: { cause?: unknown }) {
    super('bad_signature', message, options);
  }
}

/** The request body could not be parsed or decrypted: answered with 400. */
export class MalformedRequestError extends KefuError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('malformed_request', message, options);
  }
}

/** The request body is larger than allowed: answered with 413. */
export class PayloadTooLargeError extends KefuError {
  constructor(limitBytes: number) {
    super('payload_too_large', `request body exceeds ${limitBytes} bytes`);
  }
}

/** Configuration is invalid; the message names the setting. Kefu refuses to start. */
export class ConfigError extends KefuError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_config', message, options);
  }
}

/**
 * A platform refused or failed to accept an outbound message. `retryable` decides whether the
 * outbox tries again (network errors, rate limits) or records the failure (window closed, blocked).
 */
export class ChannelSendError extends KefuError {
  readonly retryable: boolean;
  /** The platform's own error code (e.g. WeChat errcode 45015), when it gave one. */
  readonly platformCode?: string;
  constructor(
    message: string,
    options: { retryable: boolean; platformCode?: string; code?: string; cause?: unknown },
  ) {
    super(options.code ?? 'send_failed', message, { cause: options.cause });
    this.retryable = options.retryable;
    this.platformCode = options.platformCode;
  }
}

/** An optional adapter capability was called on an adapter that does not have it. */
export class NotImplementedError extends KefuError {
  constructor(what: string) {
    super('not_implemented', `${what} is not implemented by this adapter`);
  }
}

/**
 * Inbound messages could not be stored (database or queue failure, or an inconsistency). The
 * webhook answers 5xx so the platform retries: nothing unstored is ever acknowledged.
 */
export class InboundStoreError extends KefuError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('inbound_store_failed', message, options);
  }
}
