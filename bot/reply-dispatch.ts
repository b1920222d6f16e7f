/**
 * Reply dispatch: how a processed message's committed replies reach the outbox sender. When no
 * webhook can still carry them passively, the processor sends them at once, in its own turn
 * ("inline"), instead of queueing a `deliver-conversation` job that a worker would pick up a few
 * round trips later. The queue stays the path for everything that must wait: the webhook's
 * passive-reply budget, a retry after a failed or refused try (rate limit, lock busy, platform
 * error), and sends beyond `maxInline` in flight, so a slow platform API cannot take every
 * processing slot.
 *
 * Nothing is lost if the process dies between the commit and the send: the replies are stored
 * undelivered, and the recovery sweep (at start-up, then every minute for work older than a
 * minute) queues their conversation.
 */
import type { Logger } from 'pino';
import type { ConversationDelivery } from './outbox.ts';
import { RetryLaterError, type Queue } from './ports/queue.ts';
import type { ConversationRow } from './storage/inbound-repository.ts';

export const deliverJobName = 'deliver-conversation';

export interface ReplyDispatchDependencies {
  outboxQueue: Queue;
  /** The outbox sender's delivery; without it every dispatch is a queued job. */
  deliverInline?: ConversationDelivery;
  /** Inline sends in flight at once in this process (default 4, like the outbox's concurrency). */
  maxInline?: number;
  /** Wait before the queued retry of a failed inline try that named no delay (ms, default 1,000: the queue's first back-off). */
  retryDelayMs?: number;
  log: Logger;
}

export interface ReplyDispatch {
  /**
   * Deliver the replies that message `messageId` produced: inline when `delayMs` is 0 and a slot
   * is free, otherwise (and after a failed inline try) as a job with id `deliver-<messageId>`.
   */
  (input: { conversation: ConversationRow; messageId: string; delayMs: number }): Promise<void>;
  /** Inline sends in flight now. */
  readonly inFlight: number;
}

export function createReplyDispatch(deps: ReplyDispatchDependencies): ReplyDispatch {
  const maxInline = deps.maxInline ?? 4;
  const retryDelayMs = deps.retryDelayMs ?? 1_000;
  let inFlight = 0;
  const enqueue = (conversationId: string, messageId: string, delayMs: number) =>
    deps.outboxQueue.add(deliverJobName, { conversationId }, { jobId: `deliver-${messageId}`, delayMs });

  const dispatch = async ({ conversation, messageId, delayMs }: { conversation: ConversationRow; messageId: string; delayMs: number }) => {
    if (!deps.deliverInline || delayMs > 0 || inFlight >= maxInline) {
      await enqueue(conversation.id, messageId, delayMs);
      return;
    }
    inFlight += 1;
    try {
      await deps.deliverInline(conversation.id, { attempt: 1, conversation });
    } catch (error) {
      // The try is recorded on the message (retrying) where it reached the platform; the queue
      // takes over from here with its own attempts and back-off.
      const retryInMs = error instanceof RetryLaterError ? error.delayMs : retryDelayMs;
      if (!(error instanceof RetryLaterError)) deps.log.warn({ err: error, messageId }, 'inline reply send failed; queued for retry');
      await enqueue(conversation.id, messageId, retryInMs);
    } finally {
      inFlight -= 1;
    }
  };
  return Object.defineProperty(dispatch, 'inFlight', { get: () => inFlight }) as ReplyDispatch;
}
