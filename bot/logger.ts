/**
 * pino logger. Secrets never reach the log: the redaction list covers every secret-bearing key
 * Kefu handles (channel secrets, tokens, passwords, authorization headers).
 */
import { pino, type Logger } from 'pino';

export const redactedKeys = [
  'appSecret', 'corpSecret', 'secret', 'clientSecret', 'token', 'encodingAesKey', 'password',
  'accessToken', 'access_token', 'authorization', 'cookie', 'wecomRobotUrl',
];

export function createLogger(options: { level?: string } = {}): Logger {
  return pino({
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: {
      paths: [...redactedKeys, ...redactedKeys.map((key) => `*.${key}`), 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
