/**
 * Dashboard sessions. The bearer token is 32 random bytes handed to the client once; the table keeps
 * only its SHA-256 (`operator_sessions.id`), so a leaked database row cannot be replayed as a token.
 * Expiry is fixed at creation (not sliding).
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lte, ne } from 'drizzle-orm';
import type { Database } from '../../bot/storage/database.ts';
import { operatorSessions, operators } from '../../bot/storage/schema.ts';
import type { Operator } from './operator-repository.ts';

/** Default session lifetime: 12 hours. */
export const defaultSessionTtlMs = 12 * 60 * 60 * 1000;

/** The stored id of a token: hex SHA-256. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A newly created session: the token exists only in this value and in the client's hands. */
export interface NewSession {
  token: string;
  expiresAt: Date;
}

/** Start a session for an operator. */
export async function createSession(
  db: Database,
  input: { operatorId: string; workspaceId: string; ttlMs?: number; now?: Date },
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const now = input.now ?? new Date();
  const expiresAt = new Date(now.getTime() + (input.ttlMs ?? defaultSessionTtlMs));
  await db.insert(operatorSessions).values({
    id: hashSessionToken(token),
    operatorId: input.operatorId,
    workspaceId: input.workspaceId,
    expiresAt,
    createdAt: now,
  });
  return { token, expiresAt };
}

/**
 * The operator behind a token, when the session exists, has not expired, and the operator is
 * enabled and in the session's workspace; otherwise undefined.
 */
export async function findSessionOperator(db: Database, token: string, now = new Date()): Promise<Operator | undefined> {
  const [row] = await db
    .select({
      id: operators.id,
      workspaceId: operators.workspaceId,
      username: operators.username,
      displayName: operators.displayName,
      role: operators.role,
      mustChangePassword: operators.mustChangePassword,
      disabled: operators.disabled,
      createdAt: operators.createdAt,
      updatedAt: operators.updatedAt,
    })
    .from(operatorSessions)
    .innerJoin(
      operators,
      and(eq(operators.id, operatorSessions.operatorId), eq(operators.workspaceId, operatorSessions.workspaceId)),
    )
    .where(
      and(
        eq(operatorSessions.id, hashSessionToken(token)),
        gt(operatorSessions.expiresAt, now),
        eq(operators.disabled, false),
      ),
    );
  return row;
}

/** End the session of this token (logout); true when one was deleted. */
export async function deleteSession(db: Database, token: string): Promise<boolean> {
  const rows = await db
    .delete(operatorSessions)
    .where(eq(operatorSessions.id, hashSessionToken(token)))
    .returning({ id: operatorSessions.id });
  return rows.length > 0;
}

/**
 * End every session of an operator (disabled, password changed), optionally keeping the one of
 * `exceptToken`; returns how many were deleted.
 */
export async function deleteOperatorSessions(
  db: Database,
  input: { workspaceId: string; operatorId: string; exceptToken?: string },
): Promise<number> {
  const conditions = [
    eq(operatorSessions.workspaceId, input.workspaceId),
    eq(operatorSessions.operatorId, input.operatorId),
  ];
  if (input.exceptToken !== undefined) conditions.push(ne(operatorSessions.id, hashSessionToken(input.exceptToken)));
  const rows = await db.delete(operatorSessions).where(and(...conditions)).returning({ id: operatorSessions.id });
  return rows.length;
}

/** Delete every expired session; returns how many. Run it periodically (e.g. from a scheduled job). */
export async function purgeExpiredSessions(db: Database, now = new Date()): Promise<number> {
  const rows = await db
    .delete(operatorSessions)
    .where(lte(operatorSessions.expiresAt, now))
    .returning({ id: operatorSessions.id });
  return rows.length;
}
