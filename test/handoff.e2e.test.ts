/**
 * Handoff as the customer and the operator meet it in the demo: a follower asks for a human, is told
 * so, and the bot stays quiet; an operator finds the conversation waiting, takes it over and hands
 * it back; then the bot answers again.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ConversationSummary, MessageView } from '../dashboards/api/conversation-repository.ts';
import { startTestKefu, type TestKefu } from './support/kefu.ts';
import { createModeEnvironment, runtimeModes, type ModeEnvironment } from './support/modes.ts';

/** What the routes used here answer, as JSON (dates as strings). */
interface ApiBody {
  token?: string;
  conversations?: ConversationSummary[];
  conversation?: ConversationSummary;
  message?: MessageView;
  messages?: MessageView[];
}

describe.each(await runtimeModes())('$mode mode', ({ mode, available }) => {
  describe.skipIf(!available)('handoff', () => {
    let kefu: TestKefu;
    let environment: ModeEnvironment;
    let headers: Record<string, string>;

    async function api(method: string, path: string, body?: unknown, auth = headers) {
      const response = await fetch(`${kefu.url}/api/v1${path}`, {
        method,
        headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as ApiBody };
    }

    beforeAll(async () => {
      environment = await createModeEnvironment(mode);
      kefu = await startTestKefu(environment.env);
      const { username, password } = kefu.firstAdmin!;
      const first = await api('POST', '/auth/login', { username, password }, {});
      const newPassword = 'operator handoff test 1';
      const changed = await api('POST', '/me/password', { currentPassword: password, newPassword }, { Authorization: `Bearer ${first.body.token}` });
      expect(changed.status).toBeLessThan(300);
      const login = await api('POST', '/auth/login', { username, password: newPassword }, {});
      headers = { Authorization: `Bearer ${login.body.token}` };
    });
    afterAll(async () => {
      await kefu?.close();
      await environment?.dispose();
    });

    test('a follower who asks for a human waits for one, quietly, until an operator hands the conversation back', async () => {
      const sandbox = kefu.sandboxes.get('demo-oa')!;
      const asked = await sandbox.sendText('o_wants_human', '转人工');
      expect(asked.reply?.content).toContain('转接人工客服');
      expect(asked.reply?.content).not.toContain('来源');

      const waiting = await api('GET', '/conversations?status=pending');
      expect(waiting.status).toBe(200);
      const [conversation] = waiting.body.conversations ?? [];
      expect(conversation).toMatchObject({ platformThreadId: 'o_wants_human', status: 'pending' });

      // Waiting for a human: the bot does not answer, not even a question it knows.
      const meanwhile = await sandbox.sendText('o_wants_human', '你们几点关门');
      expect(meanwhile.outcome).toBe('acknowledged');
      expect(meanwhile.reply).toBeUndefined();
      // Other followers are still answered.
      expect((await sandbox.sendText('o_someone_else', '你们几点关门')).reply?.content).toContain('10:00–22:00');

      // The operator writes to the customer from the dashboard: that takes the conversation over, and
      // the text arrives through WeChat's customer-service API.
      const before = sandbox.inbox('o_wants_human').length;
      const written = await api('POST', `/conversations/${conversation!.id}/messages`, { text: '您好，我是店长小王，请问有什么可以帮您？' });
      expect(written.status).toBe(201);
      expect(written.body.conversation).toMatchObject({ status: 'human' });
      expect(written.body.message).toMatchObject({ authorKind: 'staff', direction: 'outbound', deliveryStatus: 'queued' });
      const [staffReply] = await sandbox.waitForReplies('o_wants_human', { afterSequence: before, timeoutMs: 5_000 });
      expect(staffReply).toMatchObject({ via: 'api', content: '您好，我是店长小王，请问有什么可以帮您？' });
      expect((await sandbox.sendText('o_wants_human', '在吗')).reply).toBeUndefined();
      const messages = await api('GET', `/conversations/${conversation!.id}/messages`);
      expect((messages.body.messages ?? []).map((message) => { const [part] = message.parts; return part?.type === 'text' ? part.text : undefined; })).toContain('在吗');

      const metrics = await (await fetch(`${kefu.url}/metrics`)).text();
      expect(metrics).toMatch(/kefu_conversation_status_changes_total\{to="pending"\} 1/);

      const back = await api('POST', `/conversations/${conversation!.id}/hand-back`);
      expect(back.body.conversation).toMatchObject({ status: 'bot', assigneeId: null });
      const answered = await sandbox.sendText('o_wants_human', '你们几点关门');
      expect(answered.reply?.content).toContain('10:00–22:00');
    });
  });
});
