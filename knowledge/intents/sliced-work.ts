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

interface Queued {
  work: SlicedWork<unknown>;
  sliceMs: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Works waiting for their next slice, in turn order. */
const queue: Queued[] = [];
let driving = false;

/** Runs one slice of the next work, then hands the event loop back until the next turn. */
function driveOneSlice(): void {
  const next = queue.shift()!;
  const sliceEnds = performance.now() + next.sliceMs;
  try {
    for (;;) {
      const step = next.work.next();
      if (step.done) {
        next.resolve(step.value);
        break;
      }
      if (performance.now() >= sliceEnds) {
        queue.push(next);
        break;
      }
    }
  } catch (error) {
    next.reject(error);
  }
  if (queue.length > 0) setImmediate(driveOneSlice);
  else driving = false;
}

/**
 * Runs `work` in slices of about `sliceMs` (default {@link DEFAULT_SLICE_MS}), letting pending I/O
 * and timers run between them (`setImmediate`). Works running at the same time take turns, one
 * slice per turn of the event loop, so the loop is never held longer than one slice however many
 * workspaces retrain at once. A slice can overrun by one step. Resolves with the work's result,
 * rejects with what it throws.
 */
export function runInSlices<T>(work: SlicedWork<T>, options: { sliceMs?: number } = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queue.push({ work, sliceMs: options.sliceMs ?? DEFAULT_SLICE_MS, resolve: resolve as (value: unknown) => void, reject });
    if (!driving) {
      driving = true;
      setImmediate(driveOneSlice);
    }
  });
}
