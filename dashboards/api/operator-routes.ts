/**
 * Operator administration (admin only): list, create, and change role / disabled / display name.
 * Every query is scoped to the caller's workspace; an id of another workspace answers 404.
 */
import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { KefuError } from '../../bot/errors.ts';
import type { Database } from '../../bot/storage/database.ts';
import { currentOperator, requireRole, type DashboardState } from './auth.ts';
import { DashboardError, notFound } from './http-errors.ts';
import { createOperator, listOperators, operatorRoles, updateOperator } from './operator-repository.ts';
import { generatePassword, hashPassword, newPasswordSchema, passwordPolicyProblem } from './password.ts';
import { isUuid } from './ids.ts';
import { readValidBody } from './request-body.ts';
import { deleteOperatorSessions } from './session-repository.ts';

/** What the operator routes need from the router's composition. */
export interface OperatorRouteDependencies {
  db: Database;
  /** `requireOperator` for ordinary routes. */
  authenticate: Middleware<DashboardState>;
}

/** Usernames: 2–64 characters, letters, digits and `._-@`, starting with a letter or digit. */
const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]{1,63}$/, 'must be 2–64 letters, digits or ._-@, starting with a letter or digit');

const displayNameSchema = z.string().trim().min(1).max(100);

const createOperatorSchema = z.strictObject({
  username: usernameSchema,
  /** Omitted: a one-time password is generated and returned once. */
  password: newPasswordSchema.optional(),
  role: z.enum(operatorRoles),
  displayName: displayNameSchema.optional(),
});

const updateOperatorSchema = z
  .strictObject({
    role: z.enum(operatorRoles).optional(),
    disabled: z.boolean().optional(),
    displayName: displayNameSchema.nullable().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'at least one of role, disabled, displayName' });

/** Register `GET /operators`, `POST /operators` and `PATCH /operators/:id` on `router`. */
export function registerOperatorRoutes(router: Router<DashboardState>, deps: OperatorRouteDependencies): void {
  const { db, authenticate } = deps;
  const adminOnly = requireRole('admin');

  router.get('/operators', authenticate, adminOnly, async function listWorkspaceOperators(ctx) {
    ctx.body = { operators: await listOperators(db, currentOperator(ctx).workspaceId) };
  });

  router.post('/operators', authenticate, adminOnly, async function createWorkspaceOperator(ctx) {
    const { workspaceId } = currentOperator(ctx);
    const body = await readValidBody(ctx, createOperatorSchema);
    const problem = body.password && passwordPolicyProblem(body.password, { username: body.username });
    if (problem) throw new DashboardError(400, 'validation_failed', `password: ${problem}`, { field: 'password' });
    const initialPassword = body.password ?? generatePassword();
    try {
      const operator = await createOperator(db, {
        workspaceId,
        username: body.username,
        displayName: body.displayName,
        role: body.role,
        passwordHash: await hashPassword(initialPassword),
        // The admin knows this password; only the operator should know the one they work with.
        mustChangePassword: true,
      });
      ctx.status = 201;
      ctx.body = body.password ? { operator } : { operator, initialPassword };
    } catch (error) {
      if (error instanceof KefuError && error.code === 'username_taken') {
        throw new DashboardError(409, 'username_taken', 'username is already taken', { field: 'username' });
      }
      throw error;
    }
  });

  router.patch('/operators/:id', authenticate, adminOnly, async function updateWorkspaceOperator(ctx) {
    const { workspaceId } = currentOperator(ctx);
    const id = ctx.params.id ?? '';
    if (!isUuid(id)) throw notFound('operator');
    const patch = await readValidBody(ctx, updateOperatorSchema);
    try {
      const operator = await updateOperator(db, { workspaceId, id }, patch);
      if (!operator) throw notFound('operator');
      if (operator.disabled) await deleteOperatorSessions(db, { workspaceId, operatorId: id });
      ctx.body = { operator };
    } catch (error) {
      if (error instanceof KefuError && error.code === 'last_admin') {
        throw new DashboardError(409, 'last_admin', error.message);
      }
      throw error;
    }
  });
}
