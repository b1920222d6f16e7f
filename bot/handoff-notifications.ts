/**
 * Telling staff that a customer is waiting for a human: when the pipeline hands a conversation off
 * (`handlers/handoff.ts`), the processor queues a `notify-handoff` job (id `handoff-<message id>`,
 * so a retried message notifies once), and this handler posts to each WeCom group robot configured
 * for the workspace (`handoff.notify` in `kefu.config.json`), @-mentioning the staff it names. A
 * refused or failed post is retried by the queue with back-off (the robot's 20-a-minute limit
 * included); a post that still fails is logged — the conversation stays listed as `pending`.
 */
import type { Logger } from 'pino';
import type { HttpFetch } from '../adapters/http-fetch.ts';
import { sendRobotText } from '../adapters/wecom-robot/robot-client.ts';
import { ChannelSendError } from './errors.ts';
import type { JobHandler } from './ports/queue.ts';

export const notifyHandoffJobName = 'notify-handoff';

/** One place to tell about a workspace's handoffs. */
export interface HandoffNotifyTarget {
  workspace: string;
  /** The group robot's webhook URL (with its key). */
  wecomRobotUrl: string;
  mentionedList?: string[];
  mentionedMobileList?: string[];
}

/** What a `notify-handoff` job carries. */
export interface HandoffNotice {
  workspaceId: string;
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

export function createHandoffNotifyHandler(deps: { targets: readonly HandoffNotifyTarget[]; fetch?: HttpFetch; log: Logger }): JobHandler {
  return async function notifyHandoff(job) {
    const notice = job.data as unknown as HandoffNotice;
    const content = handoffNoticeText(notice);
    const failures: unknown[] = [];
    for (const target of deps.targets.filter((candidate) => candidate.workspace === notice.workspaceId)) {
      try {
        await sendRobotText(target.wecomRobotUrl, { content, mentionedList: target.mentionedList, mentionedMobileList: target.mentionedMobileList }, deps.fetch);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length === 0) {
      deps.log.info({ conversationId: notice.conversationId }, 'staff told of a handoff');
      return;
    }
    const retryable = failures.some((error) => !(error instanceof ChannelSendError) || error.retryable);
    deps.log.warn({ conversationId: notice.conversationId, errors: failures.map(String), retryable }, 'handoff notice not delivered');
    // Another try repeats the posts that went through: one notice twice beats one never seen.
    if (retryable) throw failures[0];
  };
}
