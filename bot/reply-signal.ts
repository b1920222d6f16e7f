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

/** Hints about one inbound message, kept from `watch` on (see `ReplySignal.watch`). */
export interface ReplyWatch {
  /**
   * Resolves at once if a hint came since the last call (or since `watch`), else at the next
   * hint, after `timeoutMs`, or when `abort` fires.
   */
  next(timeoutMs: number, abort?: AbortSignal): Promise<void>;
  /** Stop listening. */
  close(): void;
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
   * Listen for hints about `inboundId` from now on. A waiter watches *before* it checks the
   * database: a hint that arrives between the check and the wait is then kept for the next
   * `next()`, instead of being missed and costing a whole poll interval (it did for ~1–2 % of
   * passive replies at 50 req/s: p99 ≈ the 1 s poll). `close()` when done.
   */
  watch(inboundId: string): ReplyWatch {
    let fired = false;
    let wake: (() => void) | undefined;
    const listener = () => {
      fired = true;
      wake?.();
    };
    this.#emitter.on(inboundId, listener);
    return {
      next: (timeoutMs, abort) =>
        new Promise<void>((resolve) => {
          let timer: NodeJS.Timeout | undefined;
          const done = () => {
            clearTimeout(timer);
            wake = undefined;
            abort?.removeEventListener('abort', done);
            fired = false;
            resolve();
          };
          if (fired || abort?.aborted) return done();
          timer = setTimeout(done, Math.max(0, timeoutMs));
          wake = done;
          abort?.addEventListener('abort', done, { once: true });
        }),
      close: () => void this.#emitter.off(inboundId, listener),
    };
  }

  /**
   * Resolves when `notify(inboundId)` is called, after `timeoutMs`, or when `abort` fires,
   * whichever comes first.
   */
  async wait(inboundId: string, timeoutMs: number, abort?: AbortSignal): Promise<void> {
    const watch = this.watch(inboundId);
    try {
      await watch.next(timeoutMs, abort);
    } finally {
      watch.close();
    }
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
