/**
 * Resetting an operator's password from the server's own command line (`kefu admin
 * reset-password`): for the admin who lost the one-time password printed at first start, or any
 * operator locked out. Whoever can run commands on the server already holds the database, so this
 * needs no other credential. The new password is random, shown once by the caller, and must be
 * changed at the next login; the operator is re-enabled and every session of theirs ends.
 */
import { KefuError } from '../../bot/errors.ts';
import type { Database } from '../../bot/storage/database.ts';
import { findLoginCredentials, updateOperator } from './operator-repository.ts';
import { generatePassword, hashPassword } from './password.ts';
import { deleteOperatorSessions } from './session-repository.ts';

/** The operator whose password was reset and the new one-time password (show it once). */
export interface PasswordReset {
  username: string;
  workspaceId: string;
  password: string;
  /** How many sessions of the operator were ended. */
  sessionsEnded: number;
}

/**
 * Give the operator `username` a new one-time password. Throws `KefuError('operator_not_found')`
 * when no operator has that username (usernames are unique across workspaces).
 */
export async function resetOperatorPassword(db: Database, username: string): Promise<PasswordReset> {
  const found = await findLoginCredentials(db, username);
  if (!found) throw new KefuError('operator_not_found', `no dashboard operator is called "${username}" (the first admin, "admin", is created by the first \`kefu start\`)`);
  const { operator } = found;
  const password = generatePassword();
  const key = { workspaceId: operator.workspaceId, id: operator.id };
  await updateOperator(db, key, { passwordHash: await hashPassword(password), mustChangePassword: true, disabled: false });
  const sessionsEnded = await deleteOperatorSessions(db, { workspaceId: operator.workspaceId, operatorId: operator.id });
  return { username: operator.username, workspaceId: operator.workspaceId, password, sessionsEnded };
}
