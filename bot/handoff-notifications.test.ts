/**
 * The staff notice of a handoff: posted to the robots of the conversation's workspace only; a
 * refusal worth another try fails the job (the queue retries), one that is not is logged and ends it.
 */
import { describe, expect, it } from 'vitest';
import type { HttpFetch } from '../adapters/http-fetch.ts';
import { createHandoffNotifyHandler, handoffNoticeText, type HandoffNotice } from './handoff-notifications.ts';
import { createLogger } from './logger.ts';

const notice: HandoffNotice = { workspaceId: 'shop', conversationId: 'c-1', channelName: '茶语时光 公众号', customerText: '转人工' };
const job = { id: 'handoff-m1', name: 'notify-handoff', data: { ...notice }, attempt: 1 };
const log = createLogger({ level: 'silent' });

function robots(errcode: number) {
  const posted: string[] = [];
  const fetch: HttpFetch = async (url) => {
    posted.push(url);
    return { ok: true, status: 200, text: async () => JSON.stringify({ errcode, errmsg: errcode ? 'refused' : 'ok' }) };
  };
  return { fetch, posted };
}

describe('handoff notices', () => {
  it('go to the robots of the conversation’s workspace only', async () => {
    const wecom = robots(0);
    const handler = createHandoffNotifyHandler({
      targets: [
        { workspace: 'shop', wecomRobotUrl: 'https://robot.example/send?key=shop' },
        { workspace: 'other', wecomRobotUrl: 'https://robot.example/send?key=other' },
      ],
      fetch: wecom.fetch,
      log,
    });
    await handler(job);
    expect(wecom.posted).toEqual(['https://robot.example/send?key=shop']);
  });

  it('fail the job on a refusal worth another try, and end it on one that is not', async () => {
    const targets = [{ workspace: 'shop', wecomRobotUrl: 'https://robot.example/send?key=shop' }];
    await expect(createHandoffNotifyHandler({ targets, fetch: robots(45009).fetch, log })(job)).rejects.toMatchObject({ retryable: true });
    await expect(createHandoffNotifyHandler({ targets, fetch: robots(93000).fetch, log })(job)).resolves.toBeUndefined();
  });

  it('quote a long message only in part', () => {
    const text = handoffNoticeText({ ...notice, customerText: '退'.repeat(500) });
    expect(text).toContain(`${'退'.repeat(200)}…`);
    expect(text).not.toContain('退'.repeat(201));
    expect(text.split('\n')[0]).toBe('【转人工】茶语时光 公众号 有顾客在等人工客服');
  });
});
