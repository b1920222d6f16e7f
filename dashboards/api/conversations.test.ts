import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../bot/storage/database.ts';
import { conversations } from '../../bot/storage/schema.ts';
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
});
