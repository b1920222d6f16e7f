/**
 * Long CPU work written as a generator that `yield`s between small steps (one utterance, one SGD
 * row), so the same code runs either at once (`runToEnd`: evaluation, start-up) or in slices that
 * hand the event loop back between them (`runInSlices`): a process that retrains a workspace's
 * intents keeps answering webhooks and messages meanwhile.
 *
 * Slices rather than a worker thread: Kefu runs its TypeScript through tsx's loader, which
 * `bin/kefu.mjs` registers in the main thread only (on Node 20 a `Worker` started from there on a
 * `.ts` file fails with "Unknown file extension"), and a trained model holds closures (the
 * vectorizer's vocabulary, the rules' regexes) that would have to be serialised back.
 */

/** Work that yields between steps and returns `T` at its end. Compose with `yield*`. */
export type SlicedWork<T> = Generator<void, T, void>;

/** The longest stretch of work between two turns of the event loop, by default. */
export const DEFAULT_SLICE_MS = 10;

/** Runs `work` to its end now, synchronously. */
export function runToEnd<T>(work: SlicedWork<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `work` in slices of about `sliceMs` (default {@link DEFAULT_SLICE_MS}), letting pending I/O
 * and timers run between them (`setImmediate`). A slice can overrun by one step. Resolves with the
 * work's result, rejects with what it throws.
 */
export async function runInSlices<T>(work: SlicedWork<T>, options: { sliceMs?: number } = {}): Promise<T> {
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  for (;;) {
    const sliceEnds = performance.now() + sliceMs;
    do {
      const step = work.next();
      if (step.done) return step.value;
    } while (performance.now() < sliceEnds);
    await nextTurn();
  }
}
