/**
 * Dashboard operators. Every function takes a `workspaceId` and filters on it, except
 * `findLoginCredentials`: usernames are unique across workspaces (`operators_username_uq`), and a
 * login must find the workspace from the username. Usernames are stored lower-cased and trimmed.
 */
import { and, asc, count, eq, ne } from 'drizzle-orm';
import { KefuError } from '../../bot/errors.ts';
import type { Database } from '../../bot/storage/database.ts';
import { operators, workspaces } from '../../bot/storage/schema.ts';
import { isUuid } from './ids.ts';

/** Every dashboard role, strongest first. */
export const operatorRoles = ['admin', 'operator', 'staff', 'viewer'] as const;
/** A dashboard role. */
export type OperatorRole = (typeof operatorRoles)[number];

/** An operator as the API may show it: everything but the password hash. */
export interface Operator {
  id: string;
  workspaceId: string;
  username: string;
  displayName: string | null;
  role: OperatorRole;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields `updateOperator` may change. */
export interface OperatorPatch {
  role?: OperatorRole;
  disabled?: boolean;
  displayName?: string | null;
  passwordHash?: string;
  mustChangePassword?: boolean;
}

/** Workspace and operator id: the key of every lookup. */
export interface OperatorKey {
  workspaceId: string;
  id: string;
}

const publicColumns = {
  id: operators.id,
  workspaceId: operators.workspaceId,
  username: operators.username,
  displayName: operators.displayName,
  role: operators.role,
  mustChangePassword: operators.mustChangePassword,
  disabled: operators.disabled,
  createdAt: operators.createdAt,
  updatedAt: operators.updatedAt,
};

/** The canonical form of a username: trimmed and lower-cased. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

/**
 * Lock the workspace row for the rest of the transaction. Changes that must see a stable set of
 * operators (last-admin checks, first-admin bootstrap) serialise on it; false when absent.
 */
export async function lockWorkspace(db: Database, workspaceId: string): Promise<boolean> {
  const rows = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId)).for('update');
  return rows.length > 0;
}

/** Create an operator; throws `KefuError('username_taken')` when the username exists in any workspace. */
export async function createOperator(
  db: Database,
  input: {
    workspaceId: string;
    username: string;
    passwordHash: string;
    role: OperatorRole;
    displayName?: string | null;
    mustChangePassword?: boolean;
  },
): Promise<Operator> {
  const [row] = await db
    .insert(operators)
    .values({
      workspaceId: input.workspaceId,
      username: normalizeUsername(input.username),
      displayName: input.displayName ?? null,
      passwordHash: input.passwordHash,
      role: input.role,
      mustChangePassword: input.mustChangePassword ?? false,
    })
    .onConflictDoNothing({ target: operators.username })
    .returning(publicColumns);
  if (!row) throw new KefuError('username_taken', 'username is already taken');
  return row;
}

/** One operator of the workspace, or undefined (also when the id belongs to another workspace). */
export async function findOperator(db: Database, key: OperatorKey): Promise<Operator | undefined> {
  if (!isUuid(key.id)) return undefined;
  const [row] = await db
    .select(publicColumns)
    .from(operators)
    .where(and(eq(operators.workspaceId, key.workspaceId), eq(operators.id, key.id)));
  return row;
}

/** The operator's password hash, for re-authentication (changing the password). */
export async function findPasswordHash(db: Database, key: OperatorKey): Promise<string | undefined> {
  const [row] = await db
    .select({ passwordHash: operators.passwordHash })
    .from(operators)
    .where(and(eq(operators.workspaceId, key.workspaceId), eq(operators.id, key.id)));
  return row?.passwordHash;
}

/**
 * The operator with this username in any workspace, with its password hash: for login only, where
 * the workspace is not yet known. Never expose the result beyond the login handler.
 */
export async function findLoginCredentials(
  db: Database,
  username: string,
): Promise<{ operator: Operator; passwordHash: string } | undefined> {
  const [row] = await db
    .select({ ...publicColumns, passwordHash: operators.passwordHash })
    .from(operators)
    .where(eq(operators.username, normalizeUsername(username)));
  if (!row) return undefined;
  const { passwordHash, ...operator } = row;
  return { operator, passwordHash };
}

/** Every operator of the workspace, by username. */
export async function listOperators(db: Database, workspaceId: string): Promise<Operator[]> {
  return db.select(publicColumns).from(operators).where(eq(operators.workspaceId, workspaceId)).orderBy(asc(operators.username));
}

/** How many operators the workspace has. */
export async function countOperators(db: Database, workspaceId: string): Promise<number> {
  const [row] = await db.select({ total: count() }).from(operators).where(eq(operators.workspaceId, workspaceId));
  return row?.total ?? 0;
}

const removesActiveAdmin = (current: Operator, patch: OperatorPatch) =>
  current.role === 'admin' &&
  !current.disabled &&
  ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);

/**
 * Apply `patch` to an operator of the workspace; undefined when there is no such operator.
 * Throws `KefuError('last_admin')` when the change would leave the workspace without an active
 * admin. The check and the update run in one transaction serialised on the workspace row, so two
 * concurrent demotions cannot both pass.
 */
export async function updateOperator(db: Database, key: OperatorKey, patch: OperatorPatch): Promise<Operator | undefined> {
  return db.transaction(async (tx) => {
    await lockWorkspace(tx, key.workspaceId);
    const current = await findOperator(tx, key);
    if (!current) return undefined;
    if (removesActiveAdmin(current, patch)) {
      const [others] = await tx
        .select({ total: count() })
        .from(operators)
        .where(
          and(
            eq(operators.workspaceId, key.workspaceId),
            eq(operators.role, 'admin'),
            eq(operators.disabled, false),
            ne(operators.id, key.id),
          ),
        );
      if ((others?.total ?? 0) === 0) {
        throw new KefuError('last_admin', 'the workspace must keep at least one active admin');
      }
    }
    const [row] = await tx
      .update(operators)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(operators.workspaceId, key.workspaceId), eq(operators.id, key.id)))
      .returning(publicColumns);
    return row;
  });
}
