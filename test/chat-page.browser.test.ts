/**
 * The demo chat page at `/` in a real (headless) Chromium, checked as a user sees it: a first
 * visit is welcomed, a question typed and sent with Enter gets the answer and its source, empty
 * input sends nothing, and a reload keeps the same follower without being welcomed again.
 * Skipped without Chromium unless REQUIRE_SERVICES=1 (see test/support/browser.ts).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from './support/browser.ts';
import { startTestKefu, type TestKefu } from './support/kefu.ts';

const available = chromiumAvailable();
const screenshotPath = process.env.KEFU_CHAT_SCREENSHOT ?? '/tmp/kefu-chat.png';
const WELCOME = '欢迎关注';

let kefu: TestKefu;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every message the page POSTs to the sandbox, as sent. */
const posted: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  if (!available) return;
  [kefu, browser] = await Promise.all([startTestKefu(), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 390, height: 760 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  page = await context.newPage();
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/messages')) posted.push(JSON.parse(request.postData() ?? '{}'));
  });
  await page.goto(`${kefu.url}/`);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await kefu?.close();
});

const userBubbles = () => page.locator('#log .row.me .bubble');
const botBubbles = () => page.locator('#log .row.bot .bubble');
const followerId = async () => String(await page.evaluate('localStorage.getItem("kefu-demo-openid")'));

test.skipIf(!available)('a first visit subscribes and shows the welcome message', async () => {
  await expect.poll(() => botBubbles().allInnerTexts()).toEqual([expect.stringContaining(WELCOME)]);
  expect(posted).toEqual([{ event: 'subscribe' }]);
  const openId = await followerId();
  expect(openId).toMatch(/^o_demo_/);
  await expect.poll(() => page.locator('#log .system').first().innerText()).toContain(openId);
});

test.skipIf(!available)('a question sent with Enter shows the user bubble, then the answer with its source', async () => {
  const input = page.getByLabel('消息');
  await input.fill('你们几点开门');
  await input.press('Enter');
  await expect.poll(() => userBubbles().allInnerTexts()).toEqual(['你们几点开门']);
  await expect.poll(() => botBubbles().count()).toBe(2);
  const answer = await botBubbles().nth(1).innerText();
  expect(answer).toContain('10:00');
  expect(answer).toContain('来源：');
  // The input is cleared and ready for the next question.
  expect(await input.inputValue()).toBe('');
  expect(await page.locator('#send').isEnabled()).toBe(true);

  await page.screenshot({ path: screenshotPath });
  // Layout as in a phone chat: the user's bubble hugs the right edge, the bot's the left.
  const log = (await page.locator('#log').boundingBox())!;
  const mine = (await userBubbles().first().boundingBox())!;
  const theirs = (await botBubbles().nth(1).boundingBox())!;
  expect(log.x + log.width - (mine.x + mine.width)).toBeLessThan(40);
  expect(theirs.x - log.x).toBeLessThan(40);
  expect(theirs.width).toBeLessThan(log.width * 0.85);
});

test.skipIf(!available)('empty or blank input sends nothing and adds no bubble', async () => {
  const input = page.getByLabel('消息');
  const before = { posted: posted.length, rows: await page.locator('#log > *').count() };
  await input.fill('');
  await input.press('Enter');
  await input.fill('   ');
  await input.press('Enter');
  await page.locator('#send').click();
  await page.waitForTimeout(300);
  expect(posted.length).toBe(before.posted);
  expect(await page.locator('#log > *').count()).toBe(before.rows);
});

test.skipIf(!available)('an off-topic question gets the polite fallback, without a source', async () => {
  const input = page.getByLabel('消息');
  await input.fill('今天天气怎么样');
  await input.press('Enter');
  await expect.poll(() => botBubbles().count()).toBe(3);
  const fallback = await botBubbles().nth(2).innerText();
  expect(fallback).toContain('抱歉');
  expect(fallback).not.toContain('来源：');
});

test.skipIf(!available)('a reload keeps the same follower and the conversation, and is not welcomed again', async () => {
  const openId = await followerId();
  const postsBefore = posted.length;
  await page.reload();
  expect(await followerId()).toBe(openId);
  await expect.poll(() => page.locator('#log .system').first().innerText()).toContain(openId);
  // The page shows the conversation so far, questions included, with the welcome only once.
  await expect.poll(() => botBubbles().count()).toBe(3);
  expect(await userBubbles().allInnerTexts()).toEqual(['你们几点开门', '今天天气怎么样']);
  const texts = await botBubbles().allInnerTexts();
  expect(texts.filter((text) => text.includes(WELCOME))).toHaveLength(1);
  expect(texts[1]).toContain('10:00');
  // No second subscribe went out, and the follower's inbox holds exactly one welcome.
  expect(posted.slice(postsBefore)).toEqual([]);
  const inbox = kefu.sandboxes.get('demo-oa')!.inbox(openId, 0);
  expect(inbox.filter((reply) => reply.content?.includes(WELCOME))).toHaveLength(1);
});
