/**
 * Coordination of passive replies:
 * - a hint that an inbound message finished processing, so a webhook waiting to reply passively
 *   wakes at once instead of at its next poll. In one process an event; across processes (web and
 *   worker processes in production) through a {@link ReplySignalBridge} such as Redis pub/sub.
 *   Waiters also poll the database, so a lost hint delays a passive reply but never loses it;
 * - which inbound messages already had their reply written to a platform connection, so a
 *   concurrent try whose connection was closed does not hand the same reply to the API sender.
 */
import { EventEmitter } from 'node:events';

/** Carries processed-message hints to the other processes (see `redis-reply-bridge.ts`). */
export interface ReplySignalBridge {
  /** Tell every process that `inboundId` was processed. */
  publish(inboundId: string): void;
  /** Receive other processes' (and this one's) hints; resolves with an unsubscribe function. */
  subscribe(listener: (inboundId: string) => void): Promise<() => Promise<void>>;
}

export class ReplySignal {
  readonly #emitter = new EventEmitter().setMaxListeners(0);
  readonly #delivered = new Map<string, NodeJS.Timeout>();
  #bridge: ReplySignalBridge | undefined;

  /** The inbound message finished processing: wake its waiters here and, with a bridge, everywhere. */
  notify(inboundId: string): void {
    this.#emitter.emit(inboundId);
    this.#bridge?.publish(inboundId);
  }

  /**
   * Share hints with other processes through `bridge` from now on; resolves once subscribed, with
   * a function that stops it.
   */
  async connect(bridge: ReplySignalBridge): Promise<() => Promise<void>> {
    const unsubscribe = await bridge.subscribe((inboundId) => this.#emitter.emit(inboundId));
    this.#bridge = bridge;
    return async () => {
      this.#bridge = undefined;
      await unsubscribe();
    };
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
