/**
 * Session routes: login, logout, the caller's profile and password change.
 * A wrong password and an unknown username get the same answer after the same scrypt work.
 */
import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { Database } from '../../bot/storage/database.ts';
import { currentOperator, presentedToken, sessionCookieName, type DashboardContext, type DashboardState } from './auth.ts';
import { DashboardError, notFound, unauthorized } from './http-errors.ts';
import type { LoginLimiter } from './login-limiter.ts';
import { findLoginCredentials, findOperator, findPasswordHash, updateOperator } from './operator-repository.ts';
import { dummyPasswordHash, hashPassword, maximumPasswordLength, newPasswordSchema, passwordPolicyProblem, verifyPassword } from './password.ts';
import { readValidBody } from './request-body.ts';
import { createSession, deleteOperatorSessions, deleteSession } from './session-repository.ts';

/** What the session routes need from the router's composition. */
export interface AuthRouteDependencies {
  db: Database;
  limiter: LoginLimiter;
  now: () => Date;
  sessionTtlMs: number;
  /** Path the session cookie is scoped to (the API prefix). */
  cookiePath: string;
  /** `requireOperator` that lets operators who must change their password through. */
  authenticatePasswordChange: Middleware<DashboardState>;
}

const loginSchema = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(maximumPasswordLength),
});

const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1).max(maximumPasswordLength),
  newPassword: newPasswordSchema,
});

function tooManyAttempts(ctx: DashboardContext, limiter: LoginLimiter): DashboardError {
  ctx.set('Retry-After', String(limiter.retryAfterSeconds));
  return new DashboardError(429, 'too_many_attempts', 'too many failed attempts; try again later');
}

/** Register `/auth/login`, `/auth/logout`, `GET /me` and `POST /me/password` on `router`. */
export function registerAuthRoutes(router: Router<DashboardState>, deps: AuthRouteDependencies): void {
  const { db, limiter } = deps;
  // Compute the dummy hash now, so the first unknown-user login is not measurably slower.
  void dummyPasswordHash();

  router.post('/auth/login', async function login(ctx) {
    const body = await readValidBody(ctx, loginSchema);
    if (!(await limiter.reserve(body.username, ctx.ip))) throw tooManyAttempts(ctx, limiter);
    const credentials = await findLoginCredentials(db, body.username);
    const matches = await verifyPassword(body.password, credentials?.passwordHash ?? (await dummyPasswordHash()));
    if (!credentials || !matches || credentials.operator.disabled) {
      throw unauthorized('invalid username or password', 'invalid_credentials');
    }
    await limiter.succeeded(body.username);
    const { operator } = credentials;
    const session = await createSession(db, {
      operatorId: operator.id,
      workspaceId: operator.workspaceId,
      ttlMs: deps.sessionTtlMs,
      now: deps.now(),
    });
    ctx.cookies.set(sessionCookieName, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      // Behind a TLS-terminating proxy set `app.proxy = true` so `ctx.secure` sees HTTPS.
      secure: ctx.secure,
      path: deps.cookiePath,
      expires: session.expiresAt,
      overwrite: true,
    });
    ctx.body = {
      token: session.token,
      expiresAt: session.expiresAt,
      operator,
      mustChangePassword: operator.mustChangePassword,
    };
  });

  router.post('/auth/logout', async function logout(ctx) {
    const presented = presentedToken(ctx);
    if (presented) await deleteSession(db, presented.token);
    ctx.cookies.set(sessionCookieName, '', {
      httpOnly: true,
      sameSite: 'strict',
      secure: ctx.secure,
      path: deps.cookiePath,
      expires: new Date(0),
      overwrite: true,
    });
    ctx.status = 204;
  });

  router.get('/me', deps.authenticatePasswordChange, async function me(ctx) {
    const { id, workspaceId } = currentOperator(ctx);
    const operator = await findOperator(db, { workspaceId, id });
    if (!operator) throw notFound('operator');
    ctx.body = { operator };
  });

  router.post('/me/password', deps.authenticatePasswordChange, async function changePassword(ctx) {
    const caller = currentOperator(ctx);
    const body = await readValidBody(ctx, passwordChangeSchema);
    const problem = passwordPolicyProblem(body.newPassword, { username: caller.username });
    if (problem) {
      throw new DashboardError(400, 'validation_failed', `newPassword: ${problem}`, { field: 'newPassword' });
    }
    if (!(await limiter.reserve(caller.username))) throw tooManyAttempts(ctx, limiter);
    const storedHash = await findPasswordHash(db, caller);
    if (!storedHash || !(await verifyPassword(body.currentPassword, storedHash))) {
      throw new DashboardError(400, 'invalid_current_password', 'currentPassword: does not match', {
        field: 'currentPassword',
      });
    }
    await limiter.succeeded(caller.username);
    if (body.newPassword === body.currentPassword) {
      throw new DashboardError(400, 'validation_failed', 'newPassword: must differ from the current password', {
        field: 'newPassword',
      });
    }
    const operator = await updateOperator(db, caller, {
      passwordHash: await hashPassword(body.newPassword),
      mustChangePassword: false,
    });
    // Whoever else holds a session of this operator (perhaps with the old password) is logged out.
    await deleteOperatorSessions(db, {
      workspaceId: caller.workspaceId,
      operatorId: caller.id,
      exceptToken: ctx.state.sessionToken,
    });
    ctx.body = { operator };
  });
}
