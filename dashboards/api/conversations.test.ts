import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../bot/storage/database.ts';
import { conversations, messages } from '../../bot/storage/schema.ts';
import { createTestDatabase, testDrivers } from '../../test/support/services.ts';
import { bearer, createTestApp, login, seedConversation, seedMessage, seedOperator, seedWorkspace } from './test-support.ts';

describe.each(await testDrivers())('dashboard conversations on %s', (driver) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function setup() {
    const home = await seedWorkspace(handle.db);
    const foreign = await seedWorkspace(handle.db);
    const viewer = await seedOperator(handle.db, { workspaceId: home.workspaceId, role: 'viewer' });
    const { client, reported } = createTestApp({ db: handle.db });
    return { home, foreign, client, reported, headers: bearer(await login(client, viewer.username)) };
  }

  it('lists only the workspace’s own conversations, and answers 404 for another workspace’s', async () => {
    const { home, foreign, client, headers, reported } = await setup();
    const own = await seedConversation(handle.db, home);
    await seedMessage(handle.db, { ...home, conversationId: own, text: 'hello from home' });
    const secret = await seedConversation(handle.db, foreign);
    await seedMessage(handle.db, { ...foreign, conversationId: secret, text: 'foreign secret' });

    const list = await client.get('/api/v1/conversations').set(headers).expect(200);
    expect(list.body.conversations.map((conversation: { id: string }) => conversation.id)).toEqual([own]);
    const messages = await client.get(`/api/v1/conversations/${own}/messages`).set(headers).expect(200);
    expect(messages.body.messages[0].parts).toEqual([{ type: 'text', text: 'hello from home' }]);
    expect(messages.body.messages[0]).not.toHaveProperty('raw');

    const foreignMessages = await client.get(`/api/v1/conversations/${secret}/messages`).set(headers);
    expect(foreignMessages.status).toBe(404);
    expect(foreignMessages.body).toEqual({ error: { code: 'not_found', message: 'conversation not found' } });
    expect(JSON.stringify(foreignMessages.body)).not.toContain('foreign secret');
    const missing = await client.get('/api/v1/conversations/00000000-0000-4000-8000-000000000000/messages').set(headers);
    expect(missing.body).toEqual(foreignMessages.body);
    await client.get('/api/v1/conversations/not-a-uuid/messages').set(headers).expect(404);
    expect(reported).toEqual([]);
  });

  it('filters by status', async () => {
    const { home, client, headers } = await setup();
    const pending = await seedConversation(handle.db, { ...home, status: 'pending' });
    await seedConversation(handle.db, { ...home, status: 'resolved' });
    const list = await client.get('/api/v1/conversations?status=pending').set(headers).expect(200);
    expect(list.body.conversations.map((conversation: { id: string }) => conversation.id)).toEqual([pending]);
    const bad = await client.get('/api/v1/conversations?status=deleted').set(headers);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('status');
  });

  it('pages by updatedAt without skipping rows that differ only in microseconds', async () => {
    const { home, client, headers } = await setup();
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push(await seedConversation(handle.db, home));
    // Newest first: the first three share a millisecond; two of them even the same microsecond.
    const times = ['.123789', '.123456', '.123456', '.100000', '.000001'];
    for (const [index, id] of ids.entries()) {
      const time = `2030-01-01T00:00:00${times[index]}Z`;
      await handle.db.execute(sql`update ${conversations} set updated_at = ${time}::timestamptz where id = ${id}`);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const query = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await client.get(`/api/v1/conversations${query}`).set(headers).expect(200);
      expect(page.body.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.conversations.map((conversation: { id: string }) => conversation.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen[0]).toBe(ids[0]);
    expect(seen.slice(3)).toEqual([ids[3], ids[4]]);
  });

  it('pages messages newest first', async () => {
    const { home, client, headers } = await setup();
    const conversationId = await seedConversation(handle.db, home);
    for (const text of ['one', 'two', 'three']) await seedMessage(handle.db, { ...home, conversationId, text });
    const first = await client.get(`/api/v1/conversations/${conversationId}/messages?limit=2`).set(headers).expect(200);
    const second = await client
      .get(`/api/v1/conversations/${conversationId}/messages?limit=2&cursor=${first.body.nextCursor}`)
      .set(headers)
      .expect(200);
    const texts = [...first.body.messages, ...second.body.messages].map((message: { parts: Array<{ text: string }> }) => message.parts[0]?.text);
    expect(texts).toEqual(['three', 'two', 'one']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('caps limit at 100 and rejects forged cursors', async () => {
    const { client, headers } = await setup();
    const tooMany = await client.get('/api/v1/conversations?limit=101').set(headers);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.field).toBe('limit');
    await client.get('/api/v1/conversations?limit=100').set(headers).expect(200);
    const forged = Buffer.from("2030-01-01'; drop table operators; --|x").toString('base64url');
    const bad = await client.get(`/api/v1/conversations?cursor=${forged}`).set(headers);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('cursor');
  });

  it('takes a conversation over, refuses a second owner, hands it back and resolves it', async () => {
    const { home, foreign, client, headers: viewerHeaders } = await setup();
    const staff = bearer(await login(client, (await seedOperator(handle.db, { workspaceId: home.workspaceId, role: 'staff' })).username));
    const colleague = bearer(await login(client, (await seedOperator(handle.db, { workspaceId: home.workspaceId, role: 'operator' })).username));
    const waiting = await seedConversation(handle.db, { ...home, status: 'pending' });

    const taken = await client.post(`/api/v1/conversations/${waiting}/take-over`).set(staff).expect(200);
    expect(taken.body.conversation).toMatchObject({ id: waiting, status: 'human' });
    expect(taken.body.conversation.assigneeId).toMatch(/^[0-9a-f-]{36}$/);
    const changedAt = taken.body.conversation.statusChangedAt;
    expect(Date.parse(changedAt)).toBeGreaterThan(Date.now() - 60_000);
    // Taking one's own conversation over again changes nothing; a colleague is refused.
    const again = await client.post(`/api/v1/conversations/${waiting}/take-over`).set(staff).expect(200);
    expect(again.body.conversation.statusChangedAt).toBe(changedAt);
    const refused = await client.post(`/api/v1/conversations/${waiting}/take-over`).set(colleague);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conversation_taken');
    const [row] = await handle.db.select().from(conversations).where(sql`id = ${waiting}`);
    expect(row).toMatchObject({ status: 'human', assigneeId: taken.body.conversation.assigneeId });

    const back = await client.post(`/api/v1/conversations/${waiting}/hand-back`).set(colleague).expect(200);
    expect(back.body.conversation).toMatchObject({ status: 'bot', assigneeId: null });
    const resolved = await client.post(`/api/v1/conversations/${waiting}/resolve`).set(colleague).expect(200);
    expect(resolved.body.conversation.status).toBe('resolved');
    const listed = await client.get('/api/v1/conversations?status=resolved').set(viewerHeaders).expect(200);
    expect(listed.body.conversations.map((conversation: { id: string }) => conversation.id)).toContain(waiting);

    // Viewers only watch; another workspace's conversation is not there.
    expect((await client.post(`/api/v1/conversations/${waiting}/take-over`).set(viewerHeaders)).status).toBe(403);
    const secret = await seedConversation(handle.db, { ...foreign, status: 'pending' });
    const foreignTry = await client.post(`/api/v1/conversations/${secret}/take-over`).set(staff);
    expect(foreignTry.status).toBe(404);
    const [untouched] = await handle.db.select().from(conversations).where(sql`id = ${secret}`);
    expect(untouched).toMatchObject({ status: 'pending', assigneeId: null });
    await client.post('/api/v1/conversations/not-a-uuid/hand-back').set(staff).expect(404);
  });

  it('lets staff write to the customer: takes the conversation over and queues the message for delivery', async () => {
    const { home, foreign, headers: viewerHeaders } = await setup();
    const delivered: Array<[string, string]> = [];
    const { client } = createTestApp({ db: handle.db, deliverConversation: async (conversationId, messageId) => void delivered.push([conversationId, messageId]) });
    const writer = await seedOperator(handle.db, { workspaceId: home.workspaceId, role: 'staff' });
    const staff = bearer(await login(client, writer.username));
    const waiting = await seedConversation(handle.db, { ...home, status: 'pending' });

    const sent = await client.post(`/api/v1/conversations/${waiting}/messages`).set(staff).send({ text: '  您好，我是店长  ' }).expect(201);
    expect(sent.body.conversation).toMatchObject({ status: 'human', assigneeId: writer.id });
    expect(sent.body.message).toMatchObject({
      direction: 'outbound',
      authorKind: 'staff',
      authorOperatorId: writer.id,
      deliveryStatus: 'queued',
      parts: [{ type: 'text', text: '您好，我是店长' }],
    });
    expect(delivered).toEqual([[waiting, sent.body.message.id]]);
    const listed = await client.get(`/api/v1/conversations/${waiting}/messages`).set(staff).expect(200);
    expect(listed.body.messages[0].id).toBe(sent.body.message.id);

    const colleague = bearer(await login(client, (await seedOperator(handle.db, { workspaceId: home.workspaceId, role: 'operator' })).username));
    const refused = await client.post(`/api/v1/conversations/${waiting}/messages`).set(colleague).send({ text: '我来' });
    expect(refused.status).toBe(409);
    expect((await client.post(`/api/v1/conversations/${waiting}/messages`).set(staff).send({ text: '   ' })).status).toBe(400);
    expect((await client.post(`/api/v1/conversations/${waiting}/messages`).set(staff).send({ text: '好'.repeat(601) })).status).toBe(400);
    expect((await client.post(`/api/v1/conversations/${waiting}/messages`).set(viewerHeaders).send({ text: '看看' })).status).toBe(403);
    const secret = await seedConversation(handle.db, foreign);
    expect((await client.post(`/api/v1/conversations/${secret}/messages`).set(staff).send({ text: '你好' })).status).toBe(404);
    expect(delivered).toHaveLength(1);
    const stored = await handle.db.select().from(messages).where(sql`conversation_id = ${secret}`);
    expect(stored).toEqual([]);
  });
});
