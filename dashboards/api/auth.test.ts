import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryCache } from '../../bot/ports/memory-cache.ts';
import type { DatabaseHandle } from '../../bot/storage/database.ts';
import { operatorSessions } from '../../bot/storage/schema.ts';
import { createTestDatabase, testDrivers } from '../../test/support/services.ts';
import { hashSessionToken } from './session-repository.ts';
import { bearer, createTestApp, login, seedOperator, seedWorkspace, testPassword } from './test-support.ts';

describe.each(await testDrivers())('dashboard auth on %s', (driver) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function setup(options: { mustChangePassword?: boolean } = {}) {
    const { workspaceId } = await seedWorkspace(handle.db);
    const operator = await seedOperator(handle.db, { workspaceId, role: 'operator', ...options });
    return { workspaceId, operator, ...createTestApp({ db: handle.db }) };
  }

  it('logs in with the right password and answers /me with the bearer token', async () => {
    const { operator, client, reported } = await setup();
    const response = await client.post('/api/v1/auth/login').send({ username: operator.username, password: testPassword });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ operator: { id: operator.id, role: 'operator' }, mustChangePassword: false });
    expect(response.body.operator).not.toHaveProperty('passwordHash');
    expect(response.headers['cache-control']).toBe('no-store');
    const me = await client.get('/api/v1/me').set(bearer(response.body.token)).expect(200);
    expect(me.body.operator).toMatchObject({ id: operator.id, username: operator.username });
    expect(reported).toEqual([]);
  });

  it('answers a wrong password and an unknown user identically, without saying which', async () => {
    const { operator, client } = await setup();
    const wrong = await client.post('/api/v1/auth/login').send({ username: operator.username, password: 'not the password' });
    const unknown = await client.post('/api/v1/auth/login').send({ username: 'nobody-here', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 'invalid_credentials', message: 'invalid username or password' } });
    expect(unknown.body).toEqual(wrong.body);
  });

  it('locks a username out after 10 failures, even for the right password, and only that username', async () => {
    const { workspaceId, operator, client } = await setup();
    const other = await seedOperator(handle.db, { workspaceId, role: 'viewer' });
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await client.post('/api/v1/auth/login').send({ username: operator.username, password: 'wrong password' }).expect(401);
    }
    const locked = await client.post('/api/v1/auth/login').send({ username: operator.username, password: testPassword });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_attempts');
    expect(locked.headers['retry-after']).toBe('900');
    await login(client, other.username);
  });

  it('locks a client address out after too many attempts across usernames (password spraying)', async () => {
    const { workspaceId } = await seedWorkspace(handle.db);
    const operator = await seedOperator(handle.db, { workspaceId, role: 'operator' });
    const { client } = createTestApp({ db: handle.db, loginLimit: { maxAttemptsPerAddress: 5 } });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await client.post('/api/v1/auth/login').send({ username: `guess-${attempt}`, password: 'Summer2030!' }).expect(401);
    }
    const sprayed = await client.post('/api/v1/auth/login').send({ username: operator.username, password: testPassword });
    expect(sprayed.status).toBe(429);
    expect(sprayed.body.error.code).toBe('too_many_attempts');
  });

  it('opens the lock again when the window ends, and a success resets the failure count', async () => {
    let time = Date.parse('2030-01-01T00:00:00Z');
    const cache = createMemoryCache({ now: () => time });
    const { workspaceId } = await seedWorkspace(handle.db);
    const operator = await seedOperator(handle.db, { workspaceId, role: 'staff' });
    const { client } = createTestApp({ db: handle.db, cache });
    const fail = () => client.post('/api/v1/auth/login').send({ username: operator.username, password: 'wrong password' });
    for (let attempt = 0; attempt < 9; attempt += 1) await fail().expect(401);
    await login(client, operator.username); // the 10th attempt succeeds and resets
    for (let attempt = 0; attempt < 10; attempt += 1) await fail().expect(401);
    await fail().expect(429);
    time += 15 * 60 * 1000;
    await login(client, operator.username);
    await cache.close();
  });

  it('stores only the SHA-256 of the token', async () => {
    const { client, operator } = await setup();
    const token = await login(client, operator.username);
    const rows = await handle.db.select({ id: operatorSessions.id }).from(operatorSessions);
    expect(rows.map((row) => row.id)).not.toContain(token);
    expect(rows.map((row) => row.id)).toContain(hashSessionToken(token));
  });

  it('sets an HttpOnly SameSite=Strict cookie that authenticates same-site requests only', async () => {
    const { client, operator } = await setup();
    const response = await client.post('/api/v1/auth/login').send({ username: operator.username, password: testPassword });
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/kefu_session=[\w-]+/);
    expect(setCookie).toMatch(/httponly/i);
    expect(setCookie).toMatch(/samesite=strict/i);
    expect(setCookie).toMatch(/path=\/api\/v1/i);
    const cookie = `kefu_session=${response.body.token}`;
    await client.get('/api/v1/me').set('Cookie', cookie).expect(200);
    const crossSite = await client
      .post('/api/v1/me/password')
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example')
      .send({ currentPassword: testPassword, newPassword: 'another good password' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.code).toBe('cross_site_request');
  });

  it('rejects missing, malformed and unknown tokens with 401', async () => {
    const { client } = await setup();
    expect((await client.get('/api/v1/me')).body.error.code).toBe('unauthorized');
    await client.get('/api/v1/me').set('Authorization', 'Basic abc').expect(401);
    const unknown = await client.get('/api/v1/me').set(bearer('A'.repeat(43))).expect(401);
    expect(unknown.body.error.code).toBe('invalid_session');
  });

  it('invalidates the session on logout and clears the cookie', async () => {
    const { client, operator } = await setup();
    const token = await login(client, operator.username);
    const logout = await client.post('/api/v1/auth/logout').set(bearer(token)).expect(204);
    expect(String(logout.headers['set-cookie'])).toMatch(/kefu_session=;.*expires=Thu, 01 Jan 1970/i);
    await client.get('/api/v1/me').set(bearer(token)).expect(401);
    await client.post('/api/v1/auth/logout').expect(204);
  });

  it('expires sessions after the session lifetime', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const { workspaceId } = await seedWorkspace(handle.db);
    const operator = await seedOperator(handle.db, { workspaceId, role: 'viewer' });
    const { client } = createTestApp({ db: handle.db, now: () => now });
    const token = await login(client, operator.username);
    now = new Date(now.getTime() + 12 * 60 * 60 * 1000 - 1000);
    await client.get('/api/v1/me').set(bearer(token)).expect(200);
    now = new Date(now.getTime() + 1000);
    await client.get('/api/v1/me').set(bearer(token)).expect(401);
  });

  it('blocks everything but /me, /me/password and logout until the password is changed', async () => {
    const { client, operator } = await setup({ mustChangePassword: true });
    const response = await client.post('/api/v1/auth/login').send({ username: operator.username, password: testPassword });
    expect(response.body.mustChangePassword).toBe(true);
    const token: string = response.body.token;
    const otherToken = await login(client, operator.username);
    const blocked = await client.get('/api/v1/conversations').set(bearer(token)).expect(403);
    expect(blocked.body.error.code).toBe('password_change_required');
    await client.get('/api/v1/me').set(bearer(token)).expect(200);

    const change = (currentPassword: string, newPassword: string) =>
      client.post('/api/v1/me/password').set(bearer(token)).send({ currentPassword, newPassword });
    const wrongCurrent = await change('not my password', 'a brand new password');
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.body.error.field).toBe('currentPassword');
    const weak = await change(testPassword, 'short');
    expect(weak.status).toBe(400);
    expect(weak.body.error.field).toBe('newPassword');
    const same = await change(testPassword, testPassword);
    expect(same.body.error.field).toBe('newPassword');

    const changed = await change(testPassword, 'a brand new password');
    expect(changed.status).toBe(200);
    expect(changed.body.operator.mustChangePassword).toBe(false);
    await client.get('/api/v1/conversations').set(bearer(token)).expect(200);
    await client.get('/api/v1/me').set(bearer(otherToken)).expect(401);
    await client.post('/api/v1/auth/login').send({ username: operator.username, password: testPassword }).expect(401);
    await login(client, operator.username, 'a brand new password');
  });

  it('validates the login body and names the field', async () => {
    const { client } = await setup();
    const missing = await client.post('/api/v1/auth/login').send({ username: 'someone' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'validation_failed', field: 'password' });
    const notJson = await client.post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"username":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('malformed_request');
    const tooLarge = await client.post('/api/v1/auth/login').send({ username: 'x', password: 'y'.repeat(70_000) });
    expect(tooLarge.status).toBe(413);
  });

  it('uses a body already parsed by an upstream body parser', async () => {
    const { workspaceId } = await seedWorkspace(handle.db);
    const operator = await seedOperator(handle.db, { workspaceId, role: 'viewer' });
    const { client } = createTestApp({ db: handle.db }, [
      async (ctx, next) => {
        Object.assign(ctx.request, { body: { username: operator.username, password: testPassword } });
        await next();
      },
    ]);
    await client.post('/api/v1/auth/login').send('ignored').expect(200);
  });
});
