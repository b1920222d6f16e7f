import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../bot/storage/database.ts';
import { createTestDatabase, testDrivers } from '../../test/support/services.ts';
import { findOperator, updateOperator } from './operator-repository.ts';
import { bearer, createTestApp, login, seedOperator, seedWorkspace, unique } from './test-support.ts';

describe.each(await testDrivers())('dashboard operators on %s', (driver) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function setup() {
    const { workspaceId } = await seedWorkspace(handle.db);
    const admin = await seedOperator(handle.db, { workspaceId, role: 'admin' });
    const { client, reported } = createTestApp({ db: handle.db });
    const adminToken = await login(client, admin.username);
    return { workspaceId, admin, client, reported, adminHeaders: bearer(adminToken) };
  }

  it('lets an admin create an operator, who must change the generated password', async () => {
    const { client, adminHeaders, workspaceId, reported } = await setup();
    const username = unique('Carol').toUpperCase();
    const created = await client.post('/api/v1/operators').set(adminHeaders).send({ username, role: 'staff', displayName: 'Carol' });
    expect(created.status).toBe(201);
    expect(created.body.operator).toMatchObject({ username: username.toLowerCase(), role: 'staff', workspaceId, mustChangePassword: true });
    expect(typeof created.body.initialPassword).toBe('string');
    const login = await client.post('/api/v1/auth/login').send({ username, password: created.body.initialPassword });
    expect(login.body.mustChangePassword).toBe(true);
    const list = await client.get('/api/v1/operators').set(adminHeaders).expect(200);
    expect(list.body.operators.map((operator: { username: string }) => operator.username)).toContain(username.toLowerCase());
    const duplicate = await client.post('/api/v1/operators').set(adminHeaders).send({ username, role: 'viewer' });
    expect(duplicate.status).toBe(409);
    expect(reported).toEqual([]);
  });

  it('enforces roles: a viewer cannot create operators, an operator cannot list them', async () => {
    const { client, workspaceId } = await setup();
    const viewer = await seedOperator(handle.db, { workspaceId, role: 'viewer' });
    const operator = await seedOperator(handle.db, { workspaceId, role: 'operator' });
    const viewerHeaders = bearer(await login(client, viewer.username));
    const refused = await client.post('/api/v1/operators').set(viewerHeaders).send({ username: unique('eve'), role: 'admin' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    await client.get('/api/v1/operators').set(bearer(await login(client, operator.username))).expect(403);
    await client.patch(`/api/v1/operators/${viewer.id}`).set(viewerHeaders).send({ role: 'admin' }).expect(403);
    await client.get('/api/v1/conversations').set(viewerHeaders).expect(200);
  });

  it('validates bodies and names the field at fault', async () => {
    const { client, adminHeaders, admin } = await setup();
    const post = (body: object) => client.post('/api/v1/operators').set(adminHeaders).send(body);
    const cases: Array<[object, string]> = [
      [{ role: 'operator' }, 'username'],
      [{ username: unique('dave'), role: 'superuser' }, 'role'],
      [{ username: 'x', role: 'viewer' }, 'username'],
      [{ username: unique('dave'), role: 'viewer', password: 'short' }, 'password'],
      [{ username: unique('dave'), role: 'viewer', isRoot: true }, 'isRoot'],
    ];
    for (const [body, field] of cases) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'validation_failed', field });
      expect(response.body.error.message).toContain(field);
    }
    const emptyPatch = await client.patch(`/api/v1/operators/${admin.id}`).set(adminHeaders).send({});
    expect(emptyPatch.status).toBe(400);
    const badDisabled = await client.patch(`/api/v1/operators/${admin.id}`).set(adminHeaders).send({ disabled: 'yes' });
    expect(badDisabled.body.error.field).toBe('disabled');
  });

  it('never demotes or disables the last active admin', async () => {
    const { client, adminHeaders, admin, workspaceId } = await setup();
    const patchAdmin = (id: string, body: object) => client.patch(`/api/v1/operators/${id}`).set(adminHeaders).send(body);
    const demote = await patchAdmin(admin.id, { role: 'operator' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('last_admin');
    await patchAdmin(admin.id, { disabled: true }).expect(409);
    await patchAdmin(admin.id, { displayName: 'Still the boss' }).expect(200);

    const second = await seedOperator(handle.db, { workspaceId, role: 'admin' });
    await patchAdmin(second.id, { disabled: true }).expect(200);
    // A disabled admin does not count.
    await patchAdmin(admin.id, { role: 'viewer' }).expect(409);
    await patchAdmin(second.id, { disabled: false }).expect(200);
    await patchAdmin(second.id, { role: 'operator' }).expect(200);
    await patchAdmin(admin.id, { role: 'viewer' }).expect(409);
  });

  it('lets only one of two concurrent demotions of the last two admins through', async () => {
    const { admin, workspaceId } = await setup();
    const second = await seedOperator(handle.db, { workspaceId, role: 'admin' });
    const results = await Promise.allSettled(
      [admin.id, second.id].map((id) => updateOperator(handle.db, { workspaceId, id }, { role: 'staff' })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')?.reason).toMatchObject({ code: 'last_admin' });
  });

  it('ends the sessions of a disabled operator, who can no longer log in', async () => {
    const { client, adminHeaders, workspaceId } = await setup();
    const staff = await seedOperator(handle.db, { workspaceId, role: 'staff' });
    const staffToken = await login(client, staff.username);
    await client.patch(`/api/v1/operators/${staff.id}`).set(adminHeaders).send({ disabled: true }).expect(200);
    await client.get('/api/v1/me').set(bearer(staffToken)).expect(401);
    const refused = await client.post('/api/v1/auth/login').send({ username: staff.username, password: 'correct horse battery' });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_credentials');
  });

  it('applies a role change at once to existing sessions', async () => {
    const { client, adminHeaders, workspaceId } = await setup();
    const other = await seedOperator(handle.db, { workspaceId, role: 'admin' });
    const otherHeaders = bearer(await login(client, other.username));
    await client.get('/api/v1/operators').set(otherHeaders).expect(200);
    await client.patch(`/api/v1/operators/${other.id}`).set(adminHeaders).send({ role: 'viewer' }).expect(200);
    await client.get('/api/v1/operators').set(otherHeaders).expect(403);
  });

  it('hides operators of other workspaces: lists exclude them, updates answer 404', async () => {
    const { client, adminHeaders, admin } = await setup();
    const foreign = await seedWorkspace(handle.db);
    const foreignOperator = await seedOperator(handle.db, { workspaceId: foreign.workspaceId, role: 'admin' });
    const list = await client.get('/api/v1/operators').set(adminHeaders).expect(200);
    expect(list.body.operators.map((operator: { id: string }) => operator.id)).toEqual([admin.id]);
    const patch = await client.patch(`/api/v1/operators/${foreignOperator.id}`).set(adminHeaders).send({ disabled: true });
    expect(patch.status).toBe(404);
    expect(JSON.stringify(patch.body)).not.toContain(foreignOperator.username);
    await client.patch('/api/v1/operators/not-a-uuid').set(adminHeaders).send({ disabled: true }).expect(404);
    const unchanged = await findOperator(handle.db, { workspaceId: foreign.workspaceId, id: foreignOperator.id });
    expect(unchanged?.disabled).toBe(false);
  });
});
