/**
 * Telling staff that a customer is waiting for a human: when the pipeline hands a conversation off
 * (`handlers/handoff.ts`), the commit records the notice as awaited
 * (`storage/handoff-notice-repository.ts`) and the processor queues a `notify-handoff` job (id
 * `handoff-<message id>`, so a retried message notifies once; the recovery sweep queues it again if
 * it was lost). This handler posts to each WeCom group robot configured for the workspace
 * (`handoff.notify` in `kefu.config.json`), @-mentioning the staff it names. A refused or failed
 * post is retried by the queue with back-off (the robot's 20-a-minute limit included); a post that
 * still fails on the last try is logged — the conversation stays listed as `pending`.
 */
import type { Logger } from 'pino';
import type { HttpFetch } from '../adapters/http-fetch.ts';
import { sendRobotText } from '../adapters/wecom-robot/robot-client.ts';
import { ChannelSendError } from './errors.ts';
import type { JobHandler, Queue } from './ports/queue.ts';
import type { Database } from './storage/database.ts';
import { awaitedHandoffNotice, markHandoffNoticeGiven } from './storage/handoff-notice-repository.ts';

export const notifyHandoffJobName = 'notify-handoff';

/** One place to tell about a workspace's handoffs. */
export interface HandoffNotifyTarget {
  workspace: string;
  /** The group robot's webhook URL (with its key). */
  wecomRobotUrl: string;
  mentionedList?: string[];
  mentionedMobileList?: string[];
}

/** What a `notify-handoff` job carries: which handoff (the rest is read when the job runs). */
export interface HandoffNoticeJob {
  workspaceId: string;
  conversationId: string;
  /** The customer's message that asked for a human. */
  messageId: string;
}

/** The `notify-handoff` job id: one notice per handoff, however often the job is queued. */
export const handoffNoticeJobId = (messageId: string) => `handoff-${messageId}`;

/**
 * Tries per notice (the queue's `attempts` for the job): with the queue's back-off from 1 s
 * doubling, the last comes about two minutes after the first — past the robot's minute of 20 posts.
 */
export const handoffNoticeAttempts = 8;

/** Queue the notice of a handoff (idempotent: one job per handoff). */
export async function queueHandoffNotice(queue: Queue, notice: HandoffNoticeJob): Promise<void> {
  await queue.add(notifyHandoffJobName, { ...notice }, { jobId: handoffNoticeJobId(notice.messageId), attempts: handoffNoticeAttempts });
}

/** What staff are told of one handoff. */
export interface HandoffNotice {
  conversationId: string;
  /** The channel account's name (or id), as staff know it. */
  channelName: string;
  /** The customer's message that asked for a human. */
  customerText: string;
}

/** The text staff read in their group. */
export function handoffNoticeText(notice: HandoffNotice): string {
  const said = notice.customerText.length > 200 ? `${notice.customerText.slice(0, 200)}…` : notice.customerText;
  return [
    `【转人工】${notice.channelName} 有顾客在等人工客服`,
    `顾客说：${said}`,
    `会话：${notice.conversationId}（接入：POST /api/v1/conversations/${notice.conversationId}/take-over）`,
  ].join('\n');
}

export interface HandoffNotifyDependencies {
  db: Database;
  targets: readonly HandoffNotifyTarget[];
  /** The channel account's name as staff know it. */
  channelName: (channelAccountId: string) => string;
  fetch?: HttpFetch;
  log: Logger;
}

/**
 * Posts the notice of a handoff still awaited (the conversation still waits for a human, no notice
 * given yet), then marks it given. A conversation an operator took over meanwhile is not announced.
 */
export function createHandoffNotifyHandler(deps: HandoffNotifyDependencies): JobHandler {
  return async function notifyHandoff(job) {
    const key = job.data as unknown as HandoffNoticeJob;
    const awaited = await awaitedHandoffNotice(deps.db, key);
    if (!awaited) {
      await markHandoffNoticeGiven(deps.db, key);
      deps.log.info({ conversationId: key.conversationId }, 'handoff notice not needed: given already, or the conversation no longer waits');
      return;
    }
    const content = handoffNoticeText({ conversationId: key.conversationId, channelName: deps.channelName(awaited.channelAccountId), customerText: awaited.customerText });
    const failures: unknown[] = [];
    for (const target of deps.targets.filter((candidate) => candidate.workspace === awaited.workspaceId)) {
      try {
        await sendRobotText(target.wecomRobotUrl, { content, mentionedList: target.mentionedList, mentionedMobileList: target.mentionedMobileList }, deps.fetch);
      } catch (error) {
        failures.push(error);
      }
    }
    const retryable = failures.some((error) => !(error instanceof ChannelSendError) || error.retryable);
    // Another try repeats the posts that went through: one notice twice beats one never seen.
    if (retryable && job.attempt < handoffNoticeAttempts) {
      deps.log.warn({ conversationId: key.conversationId, errors: failures.map(String) }, 'handoff notice not delivered; trying again');
      throw failures[0];
    }
    await markHandoffNoticeGiven(deps.db, key);
    if (failures.length === 0) deps.log.info({ conversationId: key.conversationId }, 'staff told of a handoff');
    else deps.log.error({ conversationId: key.conversationId, errors: failures.map(String) }, 'handoff notice not delivered');
  };
}
