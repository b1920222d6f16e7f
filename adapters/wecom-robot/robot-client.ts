/**
 * The WeCom group robot (群机器人) webhook — send-only (PLATFORMS.md, "WeCom group robot"):
 * `POST …/cgi-bin/webhook/send?key=KEY` with `{ msgtype: "text", text: { content, mentioned_list,
 * mentioned_mobile_list } }`; WeCom answers `{ errcode, errmsg }`, 0 when sent. A robot takes 20
 * messages a minute; over that it answers 45009, which is worth a later try, as are network
 * errors and 5xx answers. The key in the URL is the robot's only credential: it never appears in
 * an error (errors name the host only).
 */
import { ChannelSendError } from '../../bot/errors.ts';
import { httpFetch, type HttpFetch } from '../http-fetch.ts';

export interface RobotText {
  content: string;
  /** WeCom user ids to @-mention (`@all` for everyone). */
  mentionedList?: readonly string[];
  /** Mobile numbers to @-mention. */
  mentionedMobileList?: readonly string[];
}

/** Errcodes worth another try later: 45009 rate limit, -1 system busy. */
const retryableCodes = new Set([45009, -1]);

/** Send one text message through a group robot's webhook URL. */
export async function sendRobotText(url: string, text: RobotText, fetch: HttpFetch = httpFetch): Promise<void> {
  const host = new URL(url).host;
  const body = JSON.stringify({
    msgtype: 'text',
    text: {
      content: text.content,
      ...(text.mentionedList?.length ? { mentioned_list: text.mentionedList } : {}),
      ...(text.mentionedMobileList?.length ? { mentioned_mobile_list: text.mentionedMobileList } : {}),
    },
  });
  let answer;
  try {
    answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    throw new ChannelSendError(`group robot at ${host} unreachable: ${(error as Error).message}`, { retryable: true });
  }
  const raw = await answer.text();
  if (!answer.ok) throw new ChannelSendError(`group robot at ${host} answered HTTP ${answer.status}`, { retryable: answer.status >= 500 || answer.status === 429 });
  let result: { errcode?: number; errmsg?: string };
  try {
    result = JSON.parse(raw) as typeof result;
  } catch {
    throw new ChannelSendError(`group robot at ${host} answered something other than JSON`, { retryable: true });
  }
  if (result.errcode !== 0) {
    throw new ChannelSendError(`group robot at ${host} refused the message: ${result.errcode} ${result.errmsg ?? ''}`.trim(), {
      retryable: retryableCodes.has(result.errcode ?? NaN),
      platformCode: String(result.errcode),
    });
  }
}
