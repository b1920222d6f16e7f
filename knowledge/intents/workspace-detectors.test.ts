/**
 * Which detector a workspace's messages get while its stored list changes, with trainings that end
 * only when the test says so (in any order): no message waits for a retrain once the workspace has
 * a detector, and an older revision never replaces a newer one. Nothing here is timed.
 */
import { describe, expect, test } from 'vitest';
import { memoryIntentSource } from '../../test/support/memory-intent-source.ts';
import { createWorkspaceDetectors, type WorkspaceDetectorsOptions } from './workspace-detectors.ts';
import type { StoredIntents } from './workspace-intent-store.ts';
import type { PreparedIntents } from './workspace-intents.ts';

/** A stand-in for a trained detector, named after the list it was "trained" on. */
const preparedFor = (label: string): PreparedIntents => ({
  detector: { detect: async () => ({ intent: label, confidence: 1, source: 'rule' }) },
  replies: new Map([[label, `reply of ${label}`]]),
});
const labelOf = async (prepared: PreparedIntents) => (await prepared.detector.detect('')).intent;
const listOf = (label: string) => [{ name: label, examples: [label] }];

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The label of the detector `promise` resolves to once the event loop has turned, or `pending`. */
async function afterATurn(promise: Promise<PreparedIntents>): Promise<string> {
  let label = 'pending';
  void promise.then(async (prepared) => {
    label = await labelOf(prepared);
  });
  await turn();
  return label;
}

/** Trainings that end when the test calls `finish` or `fail` (with the n-th training started), each followed by a turn of the loop. */
function gatedTrainings() {
  const started: Array<{ revision: number; finish: () => void; fail: (error: Error) => void }> = [];
  const train = (_workspaceId: string, list: StoredIntents) =>
    new Promise<PreparedIntents>((resolve, reject) => {
      started.push({ revision: list.revision, finish: () => resolve(preparedFor(list.intents[0]!.name)), fail: reject });
    });
  const finish = async (index: number) => {
    started[index]!.finish();
    await turn();
  };
  const fail = async (index: number, error: Error) => {
    started[index]!.fail(error);
    await turn();
  };
  return { train, finish, fail, revisions: () => started.map((training) => training.revision) };
}

function setup(options: Partial<WorkspaceDetectorsOptions> = {}) {
  const { source, put } = memoryIntentSource();
  const trainings = gatedTrainings();
  const clock = { now: 0 };
  const detectors = createWorkspaceDetectors({
    stored: source,
    withoutStored: () => preparedFor('starter'),
    train: trainings.train,
    checkIntervalMs: 5000,
    now: () => clock.now,
    ...options,
  });
  const answer = (workspaceId = 'shop') => afterATurn(detectors.forMessage(workspaceId));
  return { detectors, put, trainings, clock, answer };
}

/** A workspace whose first stored list (`one`, revision 1) is trained and in place. */
async function loaded(options: Partial<WorkspaceDetectorsOptions> = {}) {
  const context = setup(options);
  context.put('shop', listOf('one'));
  const first = context.detectors.forMessage('shop');
  await turn();
  await context.trainings.finish(0);
  expect(await labelOf(await first)).toBe('one');
  return context;
}

describe('workspace detectors', () => {
  test('a workspace’s first detector is awaited; after that a message gets the old one while the new revision trains, and the new one once trained', async () => {
    const { detectors, put, trainings, clock, answer } = setup();
    put('shop', listOf('one'));
    // No detector of its own yet: the first message waits for its training.
    expect(await answer()).toBe('pending');
    expect(trainings.revisions()).toEqual([1]);
    await trainings.finish(0);
    expect(await answer()).toBe('one');

    put('shop', listOf('two'));
    clock.now = 5000;
    // The check sees revision 2 and starts training it; the message goes on with revision 1's detector.
    expect(await answer()).toBe('one');
    expect(trainings.revisions()).toEqual([1, 2]);
    expect((await detectors.current('shop')).replies.get('one')).toBe('reply of one');
    // A later check while revision 2 still trains starts no second training of it.
    clock.now = 10_000;
    expect(await answer()).toBe('one');
    expect(trainings.revisions()).toEqual([1, 2]);

    await trainings.finish(1);
    expect(await answer()).toBe('two');
    expect((await detectors.current('shop')).replies.get('two')).toBe('reply of two');
    // Other workspaces were never held up.
    expect(await answer('other')).toBe('starter');
  });

  test('an older revision’s training that ends after a newer one’s, or after an install, is dropped', async () => {
    const { detectors, put, trainings, clock, answer } = await loaded();
    put('shop', listOf('two'));
    clock.now = 5000;
    expect(await answer()).toBe('one');
    put('shop', listOf('three'));
    clock.now = 10_000;
    expect(await answer()).toBe('one');
    expect(trainings.revisions()).toEqual([1, 2, 3]);

    await trainings.finish(2);
    expect(await answer()).toBe('three');
    await trainings.finish(1);
    expect(await answer()).toBe('three');

    // This process stored revision 5 itself while a check's training of revision 4 was under way.
    put('shop', listOf('four'));
    clock.now = 15_000;
    expect(await answer()).toBe('three');
    detectors.install('shop', put('shop', listOf('five')), preparedFor('five'));
    expect(await answer()).toBe('five');
    await trainings.finish(3);
    expect(await answer()).toBe('five');
    // Nothing newer than what is in place: the next check trains nothing.
    clock.now = 20_000;
    expect(await answer()).toBe('five');
    expect(trainings.revisions()).toEqual([1, 2, 3, 4]);
  });

  test('refresh waits until the newest revision is in place', async () => {
    const { detectors, put, trainings, answer } = await loaded();
    put('shop', listOf('two'));
    let refreshed = false;
    void detectors.refresh('shop').then(() => (refreshed = true));
    await turn();
    expect(refreshed).toBe(false);
    await trainings.finish(1);
    expect(refreshed).toBe(true);
    expect(await answer()).toBe('two');
  });

  test('a failed training is reported, the old detector keeps answering, and the next check trains the revision again', async () => {
    const reported: string[] = [];
    const { put, trainings, clock, answer } = await loaded({
      onRefreshError: (error, workspaceId) => reported.push(`${workspaceId}: ${(error as Error).message}`),
    });
    put('shop', listOf('two'));
    clock.now = 5000;
    expect(await answer()).toBe('one');
    await trainings.fail(1, new Error('cannot train'));
    expect(reported).toEqual(['shop: cannot train']);
    expect(await answer()).toBe('one');
    clock.now = 9999;
    expect(await answer()).toBe('one');
    expect(trainings.revisions()).toEqual([1, 2]);
    clock.now = 10_000;
    expect(await answer()).toBe('one');
    expect(trainings.revisions()).toEqual([1, 2, 2]);
    await trainings.finish(2);
    expect(await answer()).toBe('two');
  });

  test('without onRefreshError a failed training is thrown to the workspace’s next message, and the one after gets the old detector', async () => {
    const { detectors, put, trainings, clock, answer } = await loaded();
    put('shop', listOf('two'));
    clock.now = 5000;
    expect(await answer()).toBe('one');
    await trainings.fail(1, new Error('cannot train'));
    await expect(detectors.forMessage('shop')).rejects.toThrow('cannot train');
    expect(await answer()).toBe('one');
  });

  test('a cleared list goes back to the detector without stored intents at once, with no training', async () => {
    const { put, trainings, clock, answer } = await loaded();
    put('shop', []);
    clock.now = 5000;
    expect(await answer()).toBe('starter');
    expect(trainings.revisions()).toEqual([1]);
  });
});
