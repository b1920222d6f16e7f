/**
 * The WeCom group robot client against WeCom's documented answers: the JSON it posts, which
 * refusals are worth another try, and that the robot's key never shows in an error.
 */
import { describe, expect, it } from 'vitest';
import { ChannelSendError } from '../../bot/errors.ts';
import type { HttpFetch } from '../http-fetch.ts';
import { sendRobotText } from './robot-client.ts';

const url = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';

function answering(status: number, body: string) {
  const requests: Array<{ url: string; body: unknown }> = [];
  const fetch: HttpFetch = async (input, init) => {
    requests.push({ url: input, body: JSON.parse(init?.body ?? 'null') });
    return { ok: status < 400, status, text: async () => body };
  };
  return { fetch, requests };
}

describe('sendRobotText', () => {
  it('posts a text message with its @-mentions, as WeCom documents it', async () => {
    const wecom = answering(200, '{"errcode":0,"errmsg":"ok"}');
    await sendRobotText(url, { content: '有顾客在等人工客服', mentionedList: ['wangqing', '@all'], mentionedMobileList: ['13800001111'] }, wecom.fetch);
    expect(wecom.requests).toEqual([
      {
        url,
        body: { msgtype: 'text', text: { content: '有顾客在等人工客服', mentioned_list: ['wangqing', '@all'], mentioned_mobile_list: ['13800001111'] } },
      },
    ]);
    const plain = answering(200, '{"errcode":0,"errmsg":"ok"}');
    await sendRobotText(url, { content: 'x' }, plain.fetch);
    expect(plain.requests[0]!.body).toEqual({ msgtype: 'text', text: { content: 'x' } });
  });

  it.each([
    ['the rate limit (45009)', 200, '{"errcode":45009,"errmsg":"api freq out of limit"}', true],
    ['system busy (-1)', 200, '{"errcode":-1,"errmsg":"system busy"}', true],
    ['an invalid key (93000)', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}', false],
    ['a server error', 502, 'Bad Gateway', true],
    ['an answer that is not JSON', 200, '<html>', true],
  ])('%s is refused, retryable: %s, without the key in the message', async (_name, status, body, retryable) => {
    const error = await sendRobotText(url, { content: 'x' }, answering(status, body).fetch).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect((error as ChannelSendError).retryable).toBe(retryable);
    expect((error as Error).message).toContain('qyapi.weixin.qq.com');
    expect((error as Error).message).not.toContain('693a91f6');
  });

  it('a network failure is retryable and does not name the key either', async () => {
    const error = await sendRobotText(url, { content: 'x' }, async () => {
      throw new Error('connect ECONNREFUSED');
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).not.toContain('693a91f6');
  });
});
