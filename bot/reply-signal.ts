/**
 * In-process hint that an inbound message finished processing, so a webhook waiting to reply
 * passively wakes at once instead of at its next poll. Only a hint: waiters also poll the
 * database, which is what makes the passive path work across processes.
 */
import { EventEmitter } from 'node:events';

export class ReplySignal {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  notify(inboundId: string): void {
    this.#emitter.emit(inboundId);
  }

  /** Resolves when `notify(inboundId)` is called or after `timeoutMs`, whichever comes first. */
  wait(inboundId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#emitter.off(inboundId, done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.#emitter.once(inboundId, done);
    });
  }
}
