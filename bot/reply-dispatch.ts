/**
 * Reply dispatch: how a processed message's committed replies reach the outbox sender. When no
 * webhook can still carry them passively, the processor sends them at once, in its own turn
 * ("inline"), instead of queueing a `deliver-conversation` job that a worker would pick up a few
 * round trips later. While a webhook may still carry them (its passive-reply budget), the
 * dispatch is *held* in this process: a timer that, once the budget is over, does nothing when the
 * reply went out in an HTTP response here, and otherwise sends inline whatever is still
 * undelivered. The queue stays the path for a retry after a failed or refused try (rate limit,
 * lock busy, platform error), for sends beyond `maxInline` in flight (so a slow platform API
 * cannot take every processing slot), and for held dispatches still waiting when the process
 * shuts down (`close`).
 *
 * Nothing is lost if the process dies between the commit and the send, or while a dispatch is
 * held: the replies are stored undelivered, and the recovery sweep (at start-up, then every
 * minute for work older than a minute) queues their conversation.
 */
import type { Logger } from 'pino';
import type { ConversationDelivery } from './outbox.ts';
import { RetryLaterError, type Queue } from './ports/queue.ts';
import type { ConversationRow } from './storage/inbound-repository.ts';

export const deliverJobName = 'deliver-conversation';

/** Queue the delivery of what `messageId` left undelivered in its conversation (job id `deliver-<messageId>`, so once per message). */
export async function queueDelivery(outboxQueue: Queue, conversationId: string, messageId: string, delayMs = 0): Promise<void> {
  await outboxQueue.add(deliverJobName, { conversationId }, { jobId: `deliver-${messageId}`, delayMs });
}

export interface ReplyDispatchDependencies {
  outboxQueue: Queue;
  /** The outbox sender's delivery; without it every dispatch is a queued job. */
  deliverInline?: ConversationDelivery;
  /** Inline sends in flight at once in this process (default 4, like the outbox's concurrency). */
  maxInline?: number;
  /** Wait before the queued retry of a failed inline try that named no delay (ms, default 1,000: the queue's first back-off). */
  retryDelayMs?: number;
  /**
   * Whether a webhook in this process wrote message `messageId`'s reply into its HTTP response
   * (`ReplySignal.wasDelivered`): a held dispatch then ends without touching the database.
   */
  carriedPassively?: (messageId: string) => boolean;
  log: Logger;
}

export interface ReplyDispatch {
  /**
   * Deliver the replies that message `messageId` produced: inline when `delayMs` is 0 and a slot
   * is free; held for `delayMs` and then inline (unless carried passively) when it is not; as a
   * job with id `deliver-<messageId>` after a failed inline try, with no slot free, without an
   * inline delivery, or after `close`.
   */
  (input: { conversation: ConversationRow; messageId: string; delayMs: number }): Promise<void>;
  /** Inline sends in flight now. */
  readonly inFlight: number;
  /** Dispatches held for a webhook's passive-reply budget now. */
  readonly held: number;
  /**
   * Stop holding: queue every held dispatch as a job due when its wait would have ended, and
   * queue later waits directly. Call before the queues close.
   */
  close(): Promise<void>;
}

export function createReplyDispatch(deps: ReplyDispatchDependencies): ReplyDispatch {
  const maxInline = deps.maxInline ?? 4;
  const retryDelayMs = deps.retryDelayMs ?? 1_000;
  let inFlight = 0;
  let closed = false;
  const holding = new Map<string, { timer: NodeJS.Timeout; conversationId: string; dueAt: number }>();
  const enqueue = (conversationId: string, messageId: string, delayMs: number) => queueDelivery(deps.outboxQueue, conversationId, messageId, delayMs);

  const sendInline = async (conversation: ConversationRow, messageId: string, skipIfNothingQueued: boolean) => {
    inFlight += 1;
    try {
      await deps.deliverInline!(conversation.id, { attempt: 1, conversation, skipIfNothingQueued });
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

  /** Now: inline when a slot is free, else as a job due at once. */
  const deliverNow = (conversation: ConversationRow, messageId: string, skipIfNothingQueued: boolean) =>
    inFlight >= maxInline ? enqueue(conversation.id, messageId, 0) : sendInline(conversation, messageId, skipIfNothingQueued);

  // Once the budget is over: nothing to do when a webhook here carried the reply; otherwise look
  // (the webhook may be in another process, or have given up) and send what is left.
  const release = async (conversation: ConversationRow, messageId: string) => {
    holding.delete(messageId);
    if (deps.carriedPassively?.(messageId)) return;
    await deliverNow(conversation, messageId, true);
  };

  const hold = (conversation: ConversationRow, messageId: string, delayMs: number) => {
    clearTimeout(holding.get(messageId)?.timer);
    const timer = setTimeout(() => {
      release(conversation, messageId).catch((error: unknown) =>
        deps.log.error({ err: error, messageId }, 'held reply dispatch failed; the recovery sweep will send it'),
      );
    }, delayMs);
    timer.unref();
    holding.set(messageId, { timer, conversationId: conversation.id, dueAt: Date.now() + delayMs });
  };

  const dispatch = async ({ conversation, messageId, delayMs }: { conversation: ConversationRow; messageId: string; delayMs: number }) => {
    if (!deps.deliverInline || closed) return enqueue(conversation.id, messageId, delayMs);
    if (delayMs > 0) return hold(conversation, messageId, delayMs);
    await deliverNow(conversation, messageId, false);
  };

  const close = async () => {
    closed = true;
    const now = Date.now();
    const held = [...holding];
    holding.clear();
    for (const [, { timer }] of held) clearTimeout(timer);
    for (const [messageId, { conversationId, dueAt }] of held) await enqueue(conversationId, messageId, Math.max(0, dueAt - now));
  };

  return Object.defineProperties(Object.assign(dispatch, { close }), {
    inFlight: { get: () => inFlight },
    held: { get: () => holding.size },
  }) as ReplyDispatch;
}
