/**
 * Where queue implementations report what they cannot throw to a caller: a failed poll, a lost
 * lease, a listener that threw. A pino logger satisfies it; the default writes to the console.
 */
export interface QueueLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Console fallback, used when no logger is injected: background errors must never vanish. */
export const consoleQueueLogger: QueueLogger = {
  warn: (details, message) => console.warn(message, details),
  error: (details, message) => console.error(message, details),
};
