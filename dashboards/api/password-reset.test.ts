import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../bot/storage/database.ts';
import { createTestDatabase, testDrivers } from '../../test/support/services.ts';
import { updateOperator } from './operator-repository.ts';
import { resetOperatorPassword } from './password-reset.ts';
import { createTestApp, seedOperator, seedWorkspace, testPassword } from './test-support.ts';

describe.each(await testDrivers())('resetOperatorPassword on %s', (driver) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('a locked-out admin logs in with the new one-time password; the old password and sessions stop working', async () => {
    const { workspaceId } = await seedWorkspace(handle.db);
    const admin = await seedOperator(handle.db, { workspaceId, role: 'admin' });
    await seedOperator(handle.db, { workspaceId, role: 'admin' }); // so the first one may be disabled
    const { client } = createTestApp({ db: handle.db });
    const session = await client.post('/api/v1/auth/login').send({ username: admin.username, password: testPassword });
    expect(session.status).toBe(200);
    await updateOperator(handle.db, { workspaceId, id: admin.id }, { disabled: true });

    const reset = await resetOperatorPassword(handle.db, ` ${admin.username.toUpperCase()} `);
    expect(reset).toMatchObject({ username: admin.username, workspaceId, sessionsEnded: 1 });

    const old = await client.get('/api/v1/me').set('authorization', `Bearer ${session.body.token}`);
    expect(old.status).toBe(401);
    expect((await client.post('/api/v1/auth/login').send({ username: admin.username, password: testPassword })).status).toBe(401);
    const login = await client.post('/api/v1/auth/login').send({ username: admin.username, password: reset.password });
    expect(login.status).toBe(200);
    expect(login.body.mustChangePassword).toBe(true);
  });

  it('names the problem when there is no such operator', async () => {
    await expect(resetOperatorPassword(handle.db, 'nobody-here')).rejects.toMatchObject({ code: 'operator_not_found' });
  });
});
