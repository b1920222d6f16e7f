/**
 * Carries "inbound message processed" hints between processes over Redis pub/sub, so a webhook
 * waiting in a `web` process to reply passively wakes as soon as a `worker` process has the
 * answer, instead of at its next database poll (1 s by default, a fifth of WeChat's 5 s deadline).
 *
 * Pub/sub is fire-and-forget: a lost hint costs only the poll interval, never a reply, because
 * the waiter still polls the database, which stays the source of truth.
 */
import type { Redis } from 'ioredis';
import type { ReplySignalBridge } from './reply-signal.ts';

export interface RedisReplyBridgeOptions {
  /** A connection for publishing (shared with other commands). */
  redis: Redis;
  /** Channel name; give each Kefu sharing one Redis its own (`<KEFU_REDIS_PREFIX>:reply-ready`). */
  channel: string;
  /** Reports a failed publish or subscription; the hint is then simply lost. */
  onError?: (error: unknown) => void;
}

/** A bridge over Redis pub/sub; it opens one more connection, for the subscription. */
export function createRedisReplyBridge(options: RedisReplyBridgeOptions): ReplySignalBridge {
  const subscriber = options.redis.duplicate();
  const report = (error: unknown) => options.onError?.(error);
  subscriber.on('error', report);
  return {
    publish(inboundId) {
      options.redis.publish(options.channel, inboundId).catch(report);
    },
    async subscribe(listener) {
      const onMessage = (channel: string, inboundId: string) => {
        if (channel === options.channel) listener(inboundId);
      };
      subscriber.on('message', onMessage);
      await subscriber.subscribe(options.channel);
      return async () => {
        subscriber.off('message', onMessage);
        subscriber.disconnect();
      };
    },
  };
}
