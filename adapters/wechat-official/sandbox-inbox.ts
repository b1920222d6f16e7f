/**
 * What each simulated follower has received from the account, passive replies and API messages
 * alike, numbered per follower from 1 so a test can wait for "the next reply after #n".
 */
import { KefuError } from '../../bot/errors.ts';

/** One message the follower received. */
export interface SandboxReply {
  /** 1, 2, 3… per follower, in arrival order. */
  sequence: number;
  openId: string;
  /** `passive`: in a callback's HTTP response; `api`: through the customer-service API. */
  via: 'passive' | 'api';
  /** WeChat's MsgType / msgtype (`text`, `image`, …). */
  msgType: string;
  /** The text of a text message. */
  content?: string;
  /** The media id of an image (or other media) message. */
  mediaId?: string;
  /** When it arrived, by the sandbox clock (ms). */
  receivedAt: number;
  /** The XML or JSON exactly as the account sent it (decrypted in safe mode). */
  raw: string;
}

/** `waitForReplies` gave up. */
export class SandboxTimeoutError extends KefuError {
  constructor(message: string) {
    super('sandbox_timeout', message);
  }
}

/** Options of `waitForReplies`. */
export interface WaitForRepliesOptions {
  /** Wait for replies with a sequence above this; default: those already in the inbox count. */
  afterSequence?: number;
  /** How many replies to wait for; default 1. */
  count?: number;
  /** Default 5000 ms. */
  timeoutMs?: number;
}

interface Waiter {
  check(): boolean;
}

/** The per-follower inboxes. */
export interface SandboxInboxes {
  add(reply: Omit<SandboxReply, 'sequence'>): SandboxReply;
  inbox(openId: string, afterSequence?: number): SandboxReply[];
  lastSequence(openId: string): number;
  waitForReplies(openId: string, options?: WaitForRepliesOptions): Promise<SandboxReply[]>;
}

/** Create empty inboxes. */
export function createSandboxInboxes(): SandboxInboxes {
  const inboxes = new Map<string, SandboxReply[]>();
  const waiters = new Set<Waiter>();
  const listOf = (openId: string) => inboxes.get(openId) ?? [];

  return {
    add(reply) {
      const list = listOf(reply.openId);
      const stored: SandboxReply = { ...reply, sequence: list.length + 1 };
      inboxes.set(reply.openId, [...list, stored]);
      for (const waiter of [...waiters]) if (waiter.check()) waiters.delete(waiter);
      return stored;
    },
    inbox(openId, afterSequence = 0) {
      return listOf(openId).filter((reply) => reply.sequence > afterSequence);
    },
    lastSequence(openId) {
      return listOf(openId).length;
    },
    waitForReplies(openId, options = {}) {
      const afterSequence = options.afterSequence ?? listOf(openId).length;
      const count = options.count ?? 1;
      const timeoutMs = options.timeoutMs ?? 5000;
      return new Promise((resolve, reject) => {
        const ready = () => listOf(openId).filter((reply) => reply.sequence > afterSequence);
        const waiter: Waiter = {
          check() {
            const replies = ready();
            if (replies.length < count) return false;
            clearTimeout(timer);
            resolve(replies.slice(0, count));
            return true;
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new SandboxTimeoutError(`${openId} got ${ready().length} of ${count} replies within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!waiter.check()) waiters.add(waiter);
      });
    },
  };
}
