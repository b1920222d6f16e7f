/**
 * Reply dispatch decides between sending at once and queueing: these tests pin each branch with a
 * recording queue and a controllable delivery (the real sender is covered in processing.test.ts).
 */
import { describe, expect, test } from 'vitest';
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
    expect(calls).toEqual([{ id: 'c1', attempt: 1, conversation }]);
    expect(added).toEqual([]);
  });

  test('a wait (the webhook may still carry the reply) is a delayed job, never an inline send', async () => {
    const { queue, added } = recordingQueue();
    let inline = 0;
    await createReplyDispatch({ outboxQueue: queue, deliverInline: async () => void (inline += 1), log })({ conversation, messageId: 'm1', delayMs: 2_500 });
    expect(inline).toBe(0);
    expect(added).toEqual([{ name: deliverJobName, data: { conversationId: 'c1' }, options: { jobId: 'deliver-m1', delayMs: 2_500 } }]);
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
