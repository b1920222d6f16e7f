/**
 * One trained detector per workspace that follows the revision of the workspace's stored intent
 * list (decision 17), without making a message wait for a retrain:
 * - the first time a workspace asks, its stored list is loaded and trained, and that message (and
 *   any other of the workspace meanwhile) waits for it — there is no detector of its own yet;
 * - afterwards a message checks the stored revision when `checkIntervalMs` has passed (one cheap
 *   read; the list is loaded only when the revision is newer) and goes on with the detector it
 *   has; the new revision trains in the background (`train`, which must not stall the process:
 *   `trainIntentDetector` trains in slices) and is swapped in whole once trained;
 * - a detector is only ever replaced by one of a newer revision: a slow training of an older
 *   revision that ends after a newer one (or after `install`) is dropped;
 * - a failed check or training is reported to `onRefreshError` (without one: thrown to the
 *   workspace's next message); the detector the workspace had keeps answering and the next check
 *   tries again.
 */
import type { StoredIntents, StoredIntentSource } from './workspace-intent-store.ts';
import type { PreparedIntents } from './workspace-intents.ts';

/** Options of {@link createWorkspaceDetectors}. */
export interface WorkspaceDetectorsOptions {
  stored: StoredIntentSource;
  /** What a workspace uses while it has no stored list, or an empty one (revision 0 or a cleared list). */
  withoutStored(workspaceId: string): PreparedIntents;
  /** Trains a stored (non-empty) list; must not block the event loop for long. */
  train(workspaceId: string, list: StoredIntents): Promise<PreparedIntents>;
  checkIntervalMs: number;
  now: () => number;
  onRefreshError?: (error: unknown, workspaceId: string) => void;
}

/** The detectors of every workspace, by the revision of its stored list. */
export interface WorkspaceDetectors {
  /** The workspace's detector for a message: checks the stored revision when due, never waits for a retrain (only for the first load). */
  forMessage(workspaceId: string): Promise<PreparedIntents>;
  /** The workspace's detector as it is, without a check (after the first load). */
  current(workspaceId: string): Promise<PreparedIntents>;
  /** Use `prepared`, trained on the list stored as `revision`, unless a newer revision's detector is in place. */
  install(workspaceId: string, revision: number, prepared: PreparedIntents): void;
  /** Check the stored revision now and wait until the detector of the newest one is in place (or its training failed). */
  refresh(workspaceId: string): Promise<void>;
}

interface WorkspaceState {
  prepared: PreparedIntents;
  /** The stored revision `prepared` was trained on (0: none stored). */
  revision: number;
  checkedAt: number;
  /** The first load: the workspace's messages wait for it. */
  ready?: Promise<void>;
  /** The revision check in flight (one at a time). */
  checking?: Promise<void>;
  /** The newest revision being trained in the background. */
  training?: { revision: number; done: Promise<void> };
  /** A training failure with no `onRefreshError` to take it: thrown to the next message. */
  failure?: { error: unknown };
}

export function createWorkspaceDetectors(options: WorkspaceDetectorsOptions): WorkspaceDetectors {
  const { stored, now, checkIntervalMs } = options;
  const states = new Map<string, WorkspaceState>();

  const newestKnown = (state: WorkspaceState) => Math.max(state.revision, state.training?.revision ?? 0);
  const adopt = (state: WorkspaceState, revision: number, prepared: PreparedIntents) => {
    if (revision <= state.revision) return; // an older revision's training ended late
    state.prepared = prepared;
    state.revision = revision;
  };
  const rethrowFailure = (state: WorkspaceState) => {
    const failure = state.failure;
    state.failure = undefined;
    if (failure) throw failure.error;
  };

  const startTraining = (workspaceId: string, state: WorkspaceState, list: StoredIntents): void => {
    const training = { revision: list.revision, done: Promise.resolve() };
    state.training = training;
    training.done = (async () => {
      try {
        adopt(state, list.revision, list.intents.length === 0 ? options.withoutStored(workspaceId) : await options.train(workspaceId, list));
      } catch (error) {
        if (options.onRefreshError) options.onRefreshError(error, workspaceId);
        else state.failure = { error };
      } finally {
        if (state.training === training) state.training = undefined;
      }
    })();
  };

  const check = async (workspaceId: string, state: WorkspaceState): Promise<void> => {
    const checkedAt = now();
    try {
      if ((await stored.revision(workspaceId)) > newestKnown(state)) {
        const list = await stored.load(workspaceId);
        // An install may have brought a newer revision meanwhile.
        if (list.revision > newestKnown(state)) startTraining(workspaceId, state, list);
      }
      state.checkedAt = checkedAt;
    } catch (error) {
      if (!options.onRefreshError) throw error;
      options.onRefreshError(error, workspaceId);
      state.checkedAt = now();
    }
  };
  const checkOnce = (workspaceId: string, state: WorkspaceState): Promise<void> => {
    state.checking ??= check(workspaceId, state).finally(() => {
      state.checking = undefined;
    });
    return state.checking;
  };
  /** Check now, then wait for the training the check (or an earlier one) started. */
  const settle = async (workspaceId: string, state: WorkspaceState): Promise<void> => {
    await checkOnce(workspaceId, state);
    await state.training?.done;
    rethrowFailure(state);
  };

  const stateOf = async (workspaceId: string): Promise<WorkspaceState> => {
    let state = states.get(workspaceId);
    if (!state) {
      const fresh: WorkspaceState = { prepared: options.withoutStored(workspaceId), revision: 0, checkedAt: 0 };
      fresh.ready = settle(workspaceId, fresh);
      // A failed first load is not kept: the next message tries again.
      fresh.ready.catch(() => {
        if (states.get(workspaceId) === fresh) states.delete(workspaceId);
      });
      states.set(workspaceId, fresh);
      state = fresh;
    }
    await state.ready;
    return state;
  };

  return {
    async forMessage(workspaceId) {
      const state = await stateOf(workspaceId);
      rethrowFailure(state);
      if (now() - state.checkedAt >= checkIntervalMs) await checkOnce(workspaceId, state);
      return state.prepared;
    },
    async current(workspaceId) {
      return (await stateOf(workspaceId)).prepared;
    },
    install(workspaceId, revision, prepared) {
      const state = states.get(workspaceId);
      if (!state) {
        states.set(workspaceId, { prepared, revision, checkedAt: now() });
        return;
      }
      adopt(state, revision, prepared);
      state.checkedAt = now();
    },
    async refresh(workspaceId) {
      await settle(workspaceId, await stateOf(workspaceId));
    },
  };
}
