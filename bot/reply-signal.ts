/**
 * In-process coordination of passive replies:
 * - a hint that an inbound message finished processing, so a webhook waiting to reply passively
 *   wakes at once instead of at its next poll (waiters also poll the database, which is what makes
 *   the passive path work across processes);
 * - which inbound messages already had their reply written to a platform connection, so a
 *   concurrent try whose connection was closed does not hand the same reply to the API sender.
 */
import { EventEmitter } from 'node:events';

export class ReplySignal {
  readonly #emitter = new EventEmitter().setMaxListeners(0);
  readonly #delivered = new Map<string, NodeJS.Timeout>();

  notify(inboundId: string): void {
    this.#emitter.emit(inboundId);
  }

  /**
   * Resolves when `notify(inboundId)` is called, after `timeoutMs`, or when `abort` fires,
   * whichever comes first.
   */
  wait(inboundId: string, timeoutMs: number, abort?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#emitter.off(inboundId, done);
        abort?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.#emitter.once(inboundId, done);
      abort?.addEventListener('abort', done, { once: true });
    });
  }

  /** Remember for a minute that a passive reply to `inboundId` reached the platform's connection. */
  markDelivered(inboundId: string): void {
    clearTimeout(this.#delivered.get(inboundId));
    const timer = setTimeout(() => this.#delivered.delete(inboundId), 60_000);
    timer.unref();
    this.#delivered.set(inboundId, timer);
  }

  wasDelivered(inboundId: string): boolean {
    return this.#delivered.has(inboundId);
  }
}
