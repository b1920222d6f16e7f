/**
 * The outbox sender: delivers a conversation's queued replies through the platform API, in order,
 * honouring the platform's reply window and a per-account rate limit. Transient failures are
 * retried with back-off by the queue; refusals (window closed, user blocked) are recorded on the
 * message with the platform's error so operators see why it was not delivered.
 */
import type { Logger } from 'pino';
import type { ChannelRegistry } from './channel-registry.ts';
import { ChannelSendError } from './errors.ts';
import type { Metrics } from './metrics.ts';
import type { Cache } from './ports/cache.ts';
import type { Lock } from './ports/lock.ts';
import { RetryLaterError, type JobHandler } from './ports/queue.ts';
import type { Database } from './storage/database.ts';
import { conversationById, type ConversationRow } from './storage/inbound-repository.ts';
import { claimWithinWindow, markFailed, markRetrying, markSent, undeliveredOutbound } from './storage/outbox-repository.ts';

export interface OutboxDependencies {
  db: Database;
  lock: Lock;
  cache: Cache;
  channels: ChannelRegistry;
  metrics: Metrics;
  log: Logger;
  /** Tries per message before it is marked failed; matches the queue's attempts. */
  maxAttempts: number;
  now?: () => number;
}

/**
 * Delivers what a conversation has undelivered, in order, under the conversation's outbox lock.
 * Throws as a job handler does: `RetryLaterError` (lock busy, rate limit) or the send error of a
 * retryable failure (the message is marked retrying; `attempt` ≥ `maxAttempts` marks it failed
 * instead). `conversation`, when the caller has the row, saves reading it again.
 * `skipIfNothingQueued`: look first, without the lock, and return when nothing is undelivered —
 * for callers that expect nothing (a safety net after a passive reply), where the lock's round
 * trips would be the whole cost.
 */
export type ConversationDelivery = (
  conversationId: string,
  options: { attempt: number; conversation?: ConversationRow; skipIfNothingQueued?: boolean },
) => Promise<void>;

export function createConversationDelivery(deps: OutboxDependencies): ConversationDelivery {
  const now = deps.now ?? Date.now;
  return async function deliverConversation(conversationId, { attempt, conversation: known, skipIfNothingQueued }) {
    // Replies are committed before anyone is told to deliver them, so nothing undelivered now
    // means nothing for this call.
    if (skipIfNothingQueued && (await undeliveredOutbound(deps.db, conversationId)).length === 0) return;
    const lockKey = `outbox:${conversationId}`;
    const token = await deps.lock.acquire(lockKey, 60_000);
    if (!token) throw new RetryLaterError(200, `outbox of ${conversationId} busy`);
    try {
      const conversation = known ?? (await conversationById(deps.db, conversationId));
      for (const message of await undeliveredOutbound(deps.db, conversationId)) {
        const entry = deps.channels.find(message.channelAccountId);
        if (!entry) {
          await markFailed(deps.db, message.id, 'channel_not_configured');
          continue;
        }
        const platformUserId = message.platformUserId ?? '';
        const minute = Math.floor(now() / 60_000);
        const used = await deps.cache.increment(`rate:${entry.adapter.accountId}:${minute}`, 61_000);
        if (used > entry.sendsPerMinute) {
          throw new RetryLaterError(throttledDelayMs(used, entry.sendsPerMinute, now()), 'account send rate limit');
        }
        // The window check and the claim are one statement; a refusal is recorded on the message.
        // (A refused message has used one of the minute's sends; refusals are rare.)
        const claim = await claimWithinWindow(deps.db, {
          messageId: message.id,
          conversationId,
          platformUserId,
          window: entry.adapter.replyWindow,
          now: now(),
        });
        if (claim.refused) {
          deps.metrics.deliveries.inc({ via: 'api', outcome: claim.refused });
          deps.log.warn({ messageId: message.id, reason: claim.refused }, 'reply not sent: outside the platform window');
          continue;
        }
        if (!claim.claimed) continue;
        try {
          const result = await entry.adapter.postMessage(
            { platformThreadId: conversation?.platformThreadId ?? platformUserId, platformUserId },
            { parts: message.parts, mentions: message.mentions, citations: message.citations ?? undefined },
          );
          await markSent(deps.db, message.id, result.platformMessageId);
          deps.metrics.deliveries.inc({ via: 'api', outcome: 'sent' });
        } catch (error) {
          const retryable = !(error instanceof ChannelSendError) || error.retryable;
          const code = error instanceof ChannelSendError ? `${error.code}${error.platformCode ? ` (${error.platformCode})` : ''}: ${error.message}` : String(error);
          if (retryable && attempt < deps.maxAttempts) {
            await markRetrying(deps.db, message.id, code);
            throw error;
          }
          await markFailed(deps.db, message.id, code);
          deps.metrics.deliveries.inc({ via: 'api', outcome: 'failed' });
          deps.log.warn({ messageId: message.id, error: code }, 'reply not delivered');
        }
      }
    } finally {
      await deps.lock.release(lockKey, token);
    }
  };
}

/** The job handler for `deliver-conversation` jobs (`{ conversationId }`). */
export function createOutboxSender(deps: OutboxDependencies): JobHandler {
  const deliver = createConversationDelivery(deps);
  return async function deliverConversationJob(job) {
    // A job may find nothing: an earlier try, a held dispatch or a recovery sweep's job sent the
    // reply first; then the lock and the reads under it are skipped.
    await deliver(String(job.data.conversationId), { attempt: job.attempt, skipIfNothingQueued: true });
  };
}

/**
 * How long a send refused by the per-minute limit waits: the try that made the count `used` is
 * `used - limit`-th in line, so it comes back at its own slot of a later minute (`limit` slots a
 * minute, evenly spaced) instead of every refused conversation retrying at the next minute's first
 * millisecond and being refused again, all but `limit` of them, minute after minute.
 */
export function throttledDelayMs(used: number, limit: number, nowMs: number): number {
  const place = used - limit - 1;
  const minutesAhead = Math.floor(place / limit);
  const slotMs = Math.floor(((place % limit) * 60_000) / limit);
  const nextMinuteStart = (Math.floor(nowMs / 60_000) + 1) * 60_000;
  return nextMinuteStart + minutesAhead * 60_000 + slotMs - nowMs;
}
