import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../bot/storage/database.ts';
import { operatorSessions } from '../../bot/storage/schema.ts';
import { createTestDatabase, testDrivers } from '../../test/support/services.ts';
import {
  createSession,
  deleteOperatorSessions,
  deleteSession,
  findSessionOperator,
  hashSessionToken,
  purgeExpiredSessions,
} from './session-repository.ts';
import { seedOperator, seedWorkspace } from './test-support.ts';

describe.each(await testDrivers())('session repository on %s', (driver) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function setup() {
    const { workspaceId } = await seedWorkspace(handle.db);
    const operator = await seedOperator(handle.db, { workspaceId, role: 'staff' });
    return { workspaceId, operator, key: { workspaceId, operatorId: operator.id } };
  }

  it('returns a random 32-byte token once and stores its SHA-256', async () => {
    const { key } = await setup();
    const now = new Date('2030-01-01T00:00:00Z');
    const session = await createSession(handle.db, { ...key, now });
    expect(Buffer.from(session.token, 'base64url')).toHaveLength(32);
    expect(session.expiresAt.getTime() - now.getTime()).toBe(12 * 60 * 60 * 1000);
    const rows = await handle.db.select().from(operatorSessions);
    expect(rows.some((row) => row.id === session.token)).toBe(false);
    expect(rows.some((row) => row.id === hashSessionToken(session.token))).toBe(true);
  });

  it('finds the operator of a live session only', async () => {
    const { key, operator } = await setup();
    const now = new Date('2030-01-01T00:00:00Z');
    const { token } = await createSession(handle.db, { ...key, now, ttlMs: 1000 });
    expect((await findSessionOperator(handle.db, token, now))?.id).toBe(operator.id);
    expect(await findSessionOperator(handle.db, token, new Date(now.getTime() + 1000))).toBeUndefined();
    expect(await findSessionOperator(handle.db, `${token}x`, now)).toBeUndefined();
  });

  it('deletes one session, all but one, and the expired ones', async () => {
    const { key } = await setup();
    const now = new Date('2030-01-01T00:00:00Z');
    const kept = await createSession(handle.db, { ...key, now });
    const other = await createSession(handle.db, { ...key, now });
    const third = await createSession(handle.db, { ...key, now });
    expect(await deleteSession(handle.db, third.token)).toBe(true);
    expect(await deleteSession(handle.db, third.token)).toBe(false);
    expect(await deleteOperatorSessions(handle.db, { ...key, exceptToken: kept.token })).toBe(1);
    expect(await findSessionOperator(handle.db, other.token, now)).toBeUndefined();
    expect(await findSessionOperator(handle.db, kept.token, now)).toBeDefined();

    const expiring = await createSession(handle.db, { ...key, now, ttlMs: 1000 });
    expect(await purgeExpiredSessions(handle.db, new Date(now.getTime() + 1000))).toBeGreaterThanOrEqual(1);
    const rows = await handle.db.select({ id: operatorSessions.id }).from(operatorSessions);
    expect(rows.map((row) => row.id)).not.toContain(hashSessionToken(expiring.token));
    expect(rows.map((row) => row.id)).toContain(hashSessionToken(kept.token));
  });
});
