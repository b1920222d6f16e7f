/**
 * Bootstrap of a workspace's first dashboard admin. On a workspace with no operator, an admin is
 * created with a random one-time password that must be changed at first login; the caller prints
 * the credentials once (this module never logs them). Safe to call on every start and from several
 * processes at once: the check and the insert run in one transaction locked on the workspace row.
 */
import { KefuError } from '../../bot/errors.ts';
import type { Database } from '../../bot/storage/database.ts';
import { countOperators, createOperator, lockWorkspace, normalizeUsername } from './operator-repository.ts';
import { generatePassword, hashPassword } from './password.ts';

/** Credentials of a freshly created first admin, to be shown once. */
export interface FirstAdminCredentials {
  username: string;
  password: string;
}

/**
 * Create the workspace's first admin when it has no operator; undefined otherwise.
 * Usernames are unique across workspaces: when `username` is taken by another workspace, the
 * admin is named `<username>-<workspaceId>` instead (the returned `username` says which).
 * Throws `KefuError('workspace_not_found')` when the workspace row does not exist.
 */
export async function ensureFirstAdmin(
  db: Database,
  options: { workspaceId: string; username?: string },
): Promise<FirstAdminCredentials | undefined> {
  const { workspaceId } = options;
  const preferred = normalizeUsername(options.username ?? 'admin');
  return db.transaction(async (tx) => {
    if (!(await lockWorkspace(tx, workspaceId))) {
      throw new KefuError('workspace_not_found', `workspace ${workspaceId} does not exist`);
    }
    if ((await countOperators(tx, workspaceId)) > 0) return undefined;
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    const create = (username: string) =>
      createOperator(tx, { workspaceId, username, passwordHash, role: 'admin', mustChangePassword: true });
    try {
      const admin = await create(preferred);
      return { username: admin.username, password };
    } catch (error) {
      if (!(error instanceof KefuError && error.code === 'username_taken')) throw error;
      const admin = await create(`${preferred}-${workspaceId}`);
      return { username: admin.username, password };
    }
  });
}
