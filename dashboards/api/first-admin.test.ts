import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../bot/storage/database.ts';
import { workspaces } from '../../bot/storage/schema.ts';
import { createTestDatabase, testDrivers } from '../../test/support/services.ts';
import { ensureFirstAdmin } from './first-admin.ts';
import { listOperators } from './operator-repository.ts';
import { createTestApp, seedWorkspace, unique } from './test-support.ts';

describe.each(await testDrivers())('ensureFirstAdmin on %s', (driver) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('creates an admin with a one-time password once, then returns undefined', async () => {
    const { workspaceId } = await seedWorkspace(handle.db);
    const username = unique('root');
    const first = await ensureFirstAdmin(handle.db, { workspaceId, username });
    expect(first?.username).toBe(username);
    expect(first?.password.length).toBeGreaterThanOrEqual(20);
    expect(await ensureFirstAdmin(handle.db, { workspaceId, username })).toBeUndefined();
    const operators = await listOperators(handle.db, workspaceId);
    expect(operators).toHaveLength(1);
    expect(operators[0]).toMatchObject({ role: 'admin', mustChangePassword: true, disabled: false });

    const { client } = createTestApp({ db: handle.db });
    const login = await client.post('/api/v1/auth/login').send(first);
    expect(login.status).toBe(200);
    expect(login.body.mustChangePassword).toBe(true);
  });

  it('creates exactly one admin when called concurrently', async () => {
    const { workspaceId } = await seedWorkspace(handle.db);
    const results = await Promise.all([1, 2, 3].map(() => ensureFirstAdmin(handle.db, { workspaceId, username: unique('boot') })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await listOperators(handle.db, workspaceId)).toHaveLength(1);
  });

  it('picks another name when the username belongs to another workspace', async () => {
    const username = unique('admin');
    const one = await seedWorkspace(handle.db);
    const two = await seedWorkspace(handle.db);
    await ensureFirstAdmin(handle.db, { workspaceId: one.workspaceId, username });
    const second = await ensureFirstAdmin(handle.db, { workspaceId: two.workspaceId, username });
    expect(second?.username).toBe(`${username}-${two.workspaceId}`);
  });

  it('refuses a workspace that does not exist', async () => {
    await expect(ensureFirstAdmin(handle.db, { workspaceId: 'missing' })).rejects.toMatchObject({ code: 'workspace_not_found' });
    expect(await handle.db.select().from(workspaces)).not.toContainEqual(expect.objectContaining({ id: 'missing' }));
  });
});
