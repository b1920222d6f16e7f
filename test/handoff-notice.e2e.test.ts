/**
 * Staff hear of a customer waiting for a human: the handoff posts to the WeCom group robot
 * configured for the workspace (here a stand-in on its own port that answers as WeCom does),
 * @-mentioning the staff it names — once, after a try the robot refused for its rate limit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createExternalChannel, writeKefuConfig, type ExternalChannel } from './support/external-channel.ts';
import { startTestKefu, type TestKefu } from './support/kefu.ts';
import { createModeEnvironment, runtimeModes, type ModeEnvironment } from './support/modes.ts';
import { until } from './support/recording-fetch.ts';

/** A text message as a WeCom group robot receives it. */
interface RobotPost {
  path: string;
  body: { msgtype: string; text: { content: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] } };
}

/** WeCom's robot endpoint: records each post; refuses the first with 45009 (20 a minute). */
async function startRobot(): Promise<{ url: string; posts: RobotPost[]; server: Server }> {
  const posts: RobotPost[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      posts.push({ path: request.url ?? '', body: JSON.parse(body) as RobotPost['body'] });
      response.setHeader('content-type', 'application/json');
      response.end(posts.length === 1 ? '{"errcode":45009,"errmsg":"api freq out of limit"}' : '{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/cgi-bin/webhook/send?key=test-robot-key`, posts, server };
}

describe.each(await runtimeModes())('$mode mode', ({ mode, available }) => {
  describe.skipIf(!available)('handoff notice', () => {
    let kefu: TestKefu;
    let environment: ModeEnvironment;
    let channel: ExternalChannel;
    let robot: Awaited<ReturnType<typeof startRobot>>;
    const configDir = mkdtempSync(join(tmpdir(), 'kefu-notice-'));

    beforeAll(async () => {
      environment = await createModeEnvironment(mode);
      robot = await startRobot();
      channel = await createExternalChannel('store-oa');
      const configPath = writeKefuConfig(configDir, [channel], {
        handoff: { notify: [{ wecomRobotUrl: robot.url, mentionedList: ['wangdianzhang'] }] },
      });
      kefu = await startTestKefu({ ...environment.env, KEFU_CONFIG: configPath });
      channel.connect(kefu.url);
    });
    afterAll(async () => {
      await kefu?.close();
      await channel?.sandbox.close();
      robot?.server.close();
      await environment?.dispose();
      rmSync(configDir, { recursive: true, force: true });
    });

    test('a customer asking for a human is announced in the staff group, with the store manager @-mentioned', async () => {
      const asked = await channel.sandbox.sendText('o_waiting', '我要人工客服，奶茶送错了');
      expect(asked.reply?.content).toContain('转接人工客服');
      await until(() => robot.posts.length >= 2, 10_000);
      const [refused, sent] = robot.posts;
      expect(sent).toEqual(refused);
      expect(sent!.path).toBe('/cgi-bin/webhook/send?key=test-robot-key');
      expect(sent!.body.msgtype).toBe('text');
      expect(sent!.body.text.mentioned_list).toEqual(['wangdianzhang']);
      expect(sent!.body.text.content).toContain('【转人工】store-oa');
      expect(sent!.body.text.content).toContain('我要人工客服，奶茶送错了');
      // Once sent, never again — and a later message of the same customer is not a new handoff.
      await channel.sandbox.sendText('o_waiting', '有人吗');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(robot.posts).toHaveLength(2);
    });
  });
});
