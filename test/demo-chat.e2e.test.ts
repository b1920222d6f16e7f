/**
 * The demo a new user sees: a follower of the sandbox Official Account asks questions and gets
 * answers from the demo knowledge base, with their source, through the real signed and encrypted
 * webhook; a new follower is welcomed.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestKefu, type TestKefu } from './support/kefu.ts';

let kefu: TestKefu;
beforeAll(async () => {
  kefu = await startTestKefu();
});
afterAll(async () => {
  await kefu?.close();
});

test('a new follower is welcomed', async () => {
  const delivery = await kefu.sandboxes.get('demo-oa')!.sendEvent('o_welcome', 'subscribe');
  expect(delivery.outcome).toBe('replied');
  expect(delivery.reply?.content).toContain('欢迎关注');
});

test('a question from the knowledge base gets its answer and its source, passively and encrypted', async () => {
  const sandbox = kefu.sandboxes.get('demo-oa')!;
  expect(sandbox.mode).toBe('safe');
  const delivery = await sandbox.sendText('o_asker', '你们晚上几点关门');
  expect(delivery.outcome).toBe('replied');
  expect(delivery.tries).toBe(1);
  expect(delivery.reply?.via).toBe('passive');
  expect(delivery.reply?.content).toContain('10:00–22:00');
  expect(delivery.reply?.content).toContain('来源：');
});

test('the sandbox WeChat API is served on the same server, so answers that miss the passive budget still arrive', async () => {
  const token = await fetch(
    `${kefu.url}/sandbox/wechat-official/cgi-bin/token?grant_type=client_credential&appid=wxdemo0000000001&secret=demo-app-secret-not-for-production`,
  );
  expect(token.status).toBe(200);
  expect(await token.json()).toMatchObject({ access_token: expect.any(String) });
});

test('health and readiness answer', async () => {
  expect((await fetch(`${kefu.url}/healthz`)).status).toBe(200);
  const ready = await fetch(`${kefu.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', queue: 'ok', channels: 'ok' } });
  const metrics = await (await fetch(`${kefu.url}/metrics`)).text();
  expect(metrics).toMatch(/kefu_webhook_requests_total\{channel_type="wechat-official",outcome="stored"\} \d+/);
});

test('the demo chat page is served at /', async () => {
  const page = await fetch(`${kefu.url}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('/sandbox/wechat-official/');
});

test('greetings and thanks get a friendly answer; an unrelated question gets the honest fallback', async () => {
  const sandbox = kefu.sandboxes.get('demo-oa')!;
  expect((await sandbox.sendText('o_small', '你好')).reply?.content).toContain('有什么可以帮您');
  expect((await sandbox.sendText('o_small', '谢谢你')).reply?.content).toContain('不客气');
  const unrelated = await sandbox.sendText('o_small', '今天天气怎么样');
  expect(unrelated.reply?.content).toContain('暂时还不会回答');
  expect(unrelated.reply?.content).not.toContain('来源');
});
