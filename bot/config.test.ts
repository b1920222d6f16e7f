import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from './config.ts';
import { ConfigError } from './errors.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'kefu-config-'));
const withFile = (content: unknown) => {
  const cwd = dir();
  writeFileSync(join(cwd, 'kefu.config.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return cwd;
};

describe('loadConfig', () => {
  test('no file: the embedded demo with a sandbox Official Account on this server', () => {
    const config = loadConfig({ PORT: '4100' }, dir());
    expect(config.source).toBe('demo');
    expect(config.sandbox).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.channels).toHaveLength(1);
    expect(config.channels[0]).toMatchObject({ id: 'demo-oa', type: 'wechat-official', workspace: 'default', apiBaseUrl: 'http://127.0.0.1:4100/sandbox/wechat-official' });
    expect(config.knowledge[0]?.file).toMatch(/milk-tea-faq\.tsv$/);
  });

  test('an LLM endpoint: model, key and the per-message deadline (default 2.5 s)', () => {
    const env = { LLM_BASE_URL: 'https://api.deepseek.com/v1', LLM_API_KEY: 'sk-test', LLM_MODEL: 'deepseek-chat' };
    expect(loadConfig(env, dir()).llm).toEqual({ baseUrl: env.LLM_BASE_URL, apiKey: 'sk-test', model: 'deepseek-chat', embeddingModel: undefined, timeoutMs: 2500 });
    expect(loadConfig({ ...env, LLM_TIMEOUT_MS: '1200' }, dir()).llm?.timeoutMs).toBe(1200);
    expect(loadConfig({}, dir()).llm).toBeUndefined();
  });

  test('a channel without workspace belongs to the first (default) workspace', () => {
    const config = loadConfig({}, withFile({ workspaces: [{ id: 'shop', name: 'Shop' }], channels: [{ id: 'oa', type: 'wechat-official', appId: 'wx1', appSecret: 's', token: 't' }] }));
    expect(config.channels[0]?.workspace).toBe('shop');
  });

  test('a handoff request waits 10 minutes for a human unless configured (0 = forever)', () => {
    expect(loadConfig({}, dir()).handoff).toEqual({ pendingTimeoutMinutes: 10, notify: [] });
    expect(loadConfig({}, withFile({ handoff: { pendingTimeoutMinutes: 0 } })).handoff).toEqual({ pendingTimeoutMinutes: 0, notify: [] });
  });

  test('a handoff notice target without workspace belongs to the first workspace', () => {
    const url = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k';
    const config = loadConfig({}, withFile({ workspaces: [{ id: 'shop', name: 'Shop' }], handoff: { notify: [{ wecomRobotUrl: url, mentionedList: ['wangwu'] }] } }));
    expect(config.handoff.notify).toEqual([{ workspace: 'shop', wecomRobotUrl: url, mentionedList: ['wangwu'] }]);
  });

  test('an intent without workspace belongs to the first workspace', () => {
    const config = loadConfig({}, withFile({ workspaces: [{ id: 'shop', name: 'Shop' }], intents: [{ name: 'vip', examples: ['怎么成为会员'], reply: '扫码即可入会' }] }));
    expect(config.intents).toEqual([{ name: 'vip', workspace: 'shop', examples: ['怎么成为会员'], reply: '扫码即可入会' }]);
  });

  test('an intent entry with disabled: true switches a starter intent off for its workspace', () => {
    const config = loadConfig({}, withFile({ workspaces: [{ id: 'shop', name: 'Shop' }], intents: [{ name: 'greeting', disabled: true }] }));
    expect(config.intents).toEqual([{ name: 'greeting', disabled: true, workspace: 'shop' }]);
  });

  test.each([
    ['disabling an intent that is no starter intent', { intents: [{ name: 'greting', disabled: true }] }, /intents\[0\]\.name: "greting" is no starter intent; only those can be disabled/],
    ['a disabled intent with examples', { intents: [{ name: 'greeting', disabled: true, examples: ['x'] }] }, /intents\[0\]: a disabled intent holds only its name/],
    ['disabled: false', { intents: [{ name: 'greeting', disabled: false }] }, /intents\[0\]\.disabled: only true/],
    ['invalid JSON', '{ nope', /not valid JSON/],
    ['an unknown top-level key', { chanels: [] }, /chanels|Unrecognized/],
    ['a bad channel type', { channels: [{ id: 'x', type: 'wechat', appId: 'a' }] }, /channels\[0\]\.type/],
    ['a bad channel id', { channels: [{ id: 'Bad Id!', type: 'wechat-official' }] }, /channels\[0\]\.id/],
    ['a duplicate channel id', { channels: [{ id: 'a', type: 'web' }, { id: 'a', type: 'web' }] }, /channels\[1\]\.id: duplicate/],
    ['an unknown workspace', { channels: [{ id: 'a', type: 'web', workspace: 'nope' }] }, /channels\[0\]\.workspace: unknown workspace "nope"/],
    ['an intent pattern that does not compile', { intents: [{ name: 'vip', patterns: ['(会员'] }] }, /intents\[0\]\.patterns\[0\]: not a valid regular expression/],
    ['an intent without examples or rules', { intents: [{ name: 'vip', reply: '…' }] }, /intents\[0\]: give the intent examples, keywords or patterns/],
    ['the reserved intent name oos', { intents: [{ name: 'oos', examples: ['x'] }] }, /intents\[0\]\.name: "oos" is reserved/],
    ['an intent of an unknown workspace', { intents: [{ name: 'vip', workspace: 'nope', examples: ['x'] }] }, /intents\[0\]\.workspace: unknown workspace "nope"/],
    ['an intent defined twice in a workspace', { intents: [{ name: 'vip', examples: ['x'] }, { name: 'vip', examples: ['y'] }] }, /intents\[1\]\.name: intent "vip" is defined twice/],
    ['a passive budget past the deadline', { channels: [{ id: 'a', type: 'web', passiveReplyBudgetMs: 6000 }] }, /channels\[0\]\.passiveReplyBudgetMs/],
    ['a negative handoff wait', { handoff: { pendingTimeoutMinutes: -1 } }, /handoff\.pendingTimeoutMinutes/],
    ['an unknown handoff setting', { handoff: { timeout: 5 } }, /handoff.*timeout|Unrecognized/],
    ['a robot address that is no URL', { handoff: { notify: [{ wecomRobotUrl: 'qyapi.weixin.qq.com/send' }] } }, /handoff\.notify\[0\]\.wecomRobotUrl/],
    ['a robot of an unknown workspace', { handoff: { notify: [{ workspace: 'nope', wecomRobotUrl: 'https://x.example/send?key=k' }] } }, /handoff\.notify\[0\]\.workspace: unknown workspace "nope"/],
    ['a mobile number that is none', { handoff: { notify: [{ wecomRobotUrl: 'https://x.example/send?key=k', mentionedMobileList: ['王五'] }] } }, /handoff\.notify\[0\]\.mentionedMobileList\[0\]/],
  ])('%s is refused with the setting named', (_name, content, message) => {
    const cwd = withFile(content);
    expect(() => loadConfig({}, cwd)).toThrow(ConfigError);
    expect(() => loadConfig({}, cwd)).toThrow(message);
  });

  test.each([
    [{ PORT: 'eighty' }, /environment PORT/],
    [{ DATABASE_URL: 'not a url' }, /environment DATABASE_URL/],
    [{ KEFU_SECRET_KEY: 'short' }, /KEFU_SECRET_KEY: must be at least 32 characters/],
    [{ KEFU_ROLE: 'boss' }, /environment KEFU_ROLE/],
    [{ LLM_BASE_URL: 'http://127.0.0.1:11434/v1' }, /LLM_MODEL: required/],
    [{ KEFU_CONFIG: '/nonexistent/kefu.json' }, /KEFU_CONFIG: file .* does not exist/],
    [{ LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_MODEL: 'qwen2.5:7b', LLM_TIMEOUT_MS: '10' }, /environment LLM_TIMEOUT_MS/],
  ])('environment %o is refused with the variable named', (env, message) => {
    expect(() => loadConfig(env, dir())).toThrow(message);
  });
});
