/**
 * Reply dispatch decides between sending at once and queueing: these tests pin each branch with a
 * recording queue and a controllable delivery (the real sender is covered in processing.test.ts).
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createLogger } from './logger.ts';
import type { ConversationDelivery } from './outbox.ts';
import { RetryLaterError, type JobData, type JobOptions, type Queue } from './ports/queue.ts';
import { createReplyDispatch, deliverJobName } from './reply-dispatch.ts';
import type { ConversationRow } from './storage/inbound-repository.ts';

const conversation = { id: 'c1', platformThreadId: 'u1' } as ConversationRow;
const log = createLogger({ level: 'silent' });

function recordingQueue() {
  const added: Array<{ name: string; data: JobData; options?: JobOptions }> = [];
  const queue = { name: 'outbox', add: async (name: string, data: JobData, options?: JobOptions) => void added.push({ name, data, options }) } as unknown as Queue;
  return { queue, added };
}

describe('reply dispatch', () => {
  test('with no wait asked for, the replies are delivered at once and no job is queued', async () => {
    const { queue, added } = recordingQueue();
    const calls: Array<{ id: string; attempt: number; conversation?: ConversationRow }> = [];
    const deliverInline: ConversationDelivery = async (id, options) => void calls.push({ id, ...options });
    await createReplyDispatch({ outboxQueue: queue, deliverInline, log })({ conversation, messageId: 'm1', delayMs: 0 });
    expect(calls).toEqual([{ id: 'c1', attempt: 1, conversation, skipIfNothingQueued: false }]);
    expect(added).toEqual([]);
  });

  describe('held for a passive-reply budget', () => {
    beforeEach(() => void vi.useFakeTimers());
    afterEach(() => void vi.useRealTimers());

    test('a wait (the webhook may still carry the reply) is held in the process: no job, no send until it is over', async () => {
      const { queue, added } = recordingQueue();
      const calls: Array<{ id: string; attempt: number; skipIfNothingQueued?: boolean }> = [];
      const deliverInline: ConversationDelivery = async (id, { attempt, skipIfNothingQueued }) => void calls.push({ id, attempt, skipIfNothingQueued });
      const dispatch = createReplyDispatch({ outboxQueue: queue, deliverInline, carriedPassively: () => false, log });
      await dispatch({ conversation, messageId: 'm1', delayMs: 2_500 });
      expect(dispatch.held).toBe(1);
      await vi.advanceTimersByTimeAsync(2_499);
      expect(calls).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      // The webhook may be in another process or have given up: look, and send what is left.
      expect(calls).toEqual([{ id: 'c1', attempt: 1, skipIfNothingQueued: true }]);
      expect(added).toEqual([]);
      expect(dispatch.held).toBe(0);
    });

    test('a held dispatch whose reply a webhook here carried ends without a send or a job', async () => {
      const { queue, added } = recordingQueue();
      let inline = 0;
      const carried = new Set(['m1']);
      const dispatch = createReplyDispatch({ outboxQueue: queue, deliverInline: async () => void (inline += 1), carriedPassively: (id) => carried.has(id), log });
      await dispatch({ conversation, messageId: 'm1', delayMs: 1_000 });
      await dispatch({ conversation, messageId: 'm2', delayMs: 1_000 });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(inline).toBe(1); // m2 only
      expect(added).toEqual([]);
    });

    test('on close, held dispatches become jobs due when their wait ends, and later waits are jobs', async () => {
      const { queue, added } = recordingQueue();
      let inline = 0;
      const dispatch = createReplyDispatch({ outboxQueue: queue, deliverInline: async () => void (inline += 1), log });
      await dispatch({ conversation, messageId: 'm1', delayMs: 3_000 });
      await vi.advanceTimersByTimeAsync(1_000);
      await dispatch.close();
      await dispatch({ conversation, messageId: 'm2', delayMs: 500 });
      await vi.advanceTimersByTimeAsync(5_000);
      expect(inline).toBe(0);
      expect(dispatch.held).toBe(0);
      expect(added).toEqual([
        { name: deliverJobName, data: { conversationId: 'c1' }, options: { jobId: 'deliver-m1', delayMs: 2_000 } },
        { name: deliverJobName, data: { conversationId: 'c1' }, options: { jobId: 'deliver-m2', delayMs: 500 } },
      ]);
    });

    test('a held dispatch whose send fails is handed to the queue', async () => {
      const { queue, added } = recordingQueue();
      const dispatch = createReplyDispatch({ outboxQueue: queue, deliverInline: async () => Promise.reject(new Error('socket hang up')), log, retryDelayMs: 1_000 });
      await dispatch({ conversation, messageId: 'm1', delayMs: 100 });
      await vi.advanceTimersByTimeAsync(100);
      expect(added.map((a) => [a.options?.jobId, a.options?.delayMs])).toEqual([['deliver-m1', 1_000]]);
    });
  });

  test('a failed inline try is handed to the queue: after the delay it names, or after the first back-off', async () => {
    const { queue, added } = recordingQueue();
    const failures = [new RetryLaterError(45_000, 'account send rate limit'), new Error('socket hang up')];
    const dispatch = createReplyDispatch({ outboxQueue: queue, deliverInline: async () => Promise.reject(failures.shift()), log, retryDelayMs: 1_000 });
    await dispatch({ conversation, messageId: 'm1', delayMs: 0 });
    await dispatch({ conversation, messageId: 'm2', delayMs: 0 });
    expect(added.map((a) => [a.options?.jobId, a.options?.delayMs])).toEqual([
      ['deliver-m1', 45_000],
      ['deliver-m2', 1_000],
    ]);
    expect(dispatch.inFlight).toBe(0);
  });

  test('beyond maxInline sends in flight, replies go through the queue instead of waiting for a slot', async () => {
    const { queue, added } = recordingQueue();
    const release: Array<() => void> = [];
    const deliverInline: ConversationDelivery = () => new Promise<void>((resolve) => release.push(resolve));
    const dispatch = createReplyDispatch({ outboxQueue: queue, deliverInline, maxInline: 2, log });
    const first = dispatch({ conversation, messageId: 'm1', delayMs: 0 });
    const second = dispatch({ conversation, messageId: 'm2', delayMs: 0 });
    await dispatch({ conversation, messageId: 'm3', delayMs: 0 });
    expect(dispatch.inFlight).toBe(2);
    expect(added.map((a) => a.options?.jobId)).toEqual(['deliver-m3']);
    for (const done of release) done();
    await Promise.all([first, second]);
    expect(dispatch.inFlight).toBe(0);
    const fourth = dispatch({ conversation, messageId: 'm4', delayMs: 0 });
    expect(release).toHaveLength(3);
    release[2]!();
    await fourth;
    expect(added).toHaveLength(1);
  });

  test('without an inline delivery every dispatch is a job', async () => {
    const { queue, added } = recordingQueue();
    await createReplyDispatch({ outboxQueue: queue, log })({ conversation, messageId: 'm1', delayMs: 0 });
    expect(added.map((a) => a.options)).toEqual([{ jobId: 'deliver-m1', delayMs: 0 }]);
  });
});
