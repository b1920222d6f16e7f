/**
 * Authentication and authorisation middleware of the dashboard API.
 *
 * A session token arrives as `Authorization: Bearer <token>` (API clients) or in the
 * `kefu_session` cookie (the browser UI: HttpOnly, SameSite=Strict). When an Authorization header
 * is present the cookie is ignored. Cookie-authenticated unsafe requests must also come from the
 * same site (`Origin` / `Sec-Fetch-Site`), a second line of defence against CSRF behind SameSite.
 * The operator is re-read on every request, so role changes and disabling take effect at once.
 */
import type { Middleware, ParameterizedContext } from 'koa';
import type { Database } from '../../bot/storage/database.ts';
import { forbidden, unauthorized } from './http-errors.ts';
import type { OperatorRole } from './operator-repository.ts';
import { findSessionOperator } from './session-repository.ts';

/** Name of the session cookie used by the browser UI. */
export const sessionCookieName = 'kefu_session';

/** Who is calling: set on `ctx.state.operator` by `requireOperator`. */
export interface AuthenticatedOperator {
  id: string;
  workspaceId: string;
  role: OperatorRole;
  username: string;
}

/** `ctx.state` of dashboard routes. */
export interface DashboardState {
  operator?: AuthenticatedOperator;
  /** The raw token of the current request, to keep its session when others are revoked. */
  sessionToken?: string;
}

/** The context type of dashboard middleware. */
export type DashboardContext = ParameterizedContext<DashboardState>;

/** Where a request's session token came from. */
export interface PresentedToken {
  token: string;
  via: 'bearer' | 'cookie';
}

const tokenPattern = /^[A-Za-z0-9_-]{16,256}$/;
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session token of the request; throws 401 for a malformed Authorization header. */
export function presentedToken(ctx: DashboardContext): PresentedToken | undefined {
  const header = ctx.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1] || !tokenPattern.test(match[1])) throw unauthorized('malformed Authorization header');
    return { token: match[1], via: 'bearer' };
  }
  const cookie = ctx.cookies.get(sessionCookieName);
  return cookie && tokenPattern.test(cookie) ? { token: cookie, via: 'cookie' } : undefined;
}

function isCrossSite(ctx: DashboardContext): boolean {
  const fetchSite = ctx.get('sec-fetch-site');
  if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') return true;
  const origin = ctx.get('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host !== ctx.host;
  } catch {
    return true;
  }
}

/** Options of `requireOperator`. */
export interface RequireOperatorOptions {
  db: Database;
  /** Clock for session expiry; defaults to the system clock. */
  now?: () => Date;
  /**
   * Let operators who must change their password through (only `/me` and `/me/password`);
   * otherwise they are answered 403 `password_change_required`.
   */
  allowPasswordChangeRequired?: boolean;
}

/**
 * Require a valid session: sets `ctx.state.operator`, or answers 401 `unauthorized`
 * (403 `password_change_required` while the operator must change the password).
 */
export function requireOperator(options: RequireOperatorOptions): Middleware<DashboardState> {
  const now = options.now ?? (() => new Date());
  return async function requireOperatorMiddleware(ctx, next) {
    const presented = presentedToken(ctx);
    if (!presented) throw unauthorized();
    if (presented.via === 'cookie' && !safeMethods.has(ctx.method) && isCrossSite(ctx)) {
      throw forbidden('cross-site request refused', 'cross_site_request');
    }
    const operator = await findSessionOperator(options.db, presented.token, now());
    if (!operator) throw unauthorized('session is invalid or expired', 'invalid_session');
    if (operator.mustChangePassword && !options.allowPasswordChangeRequired) {
      throw forbidden('the password must be changed first (POST /api/v1/me/password)', 'password_change_required');
    }
    const { id, workspaceId, role, username } = operator;
    ctx.state.operator = { id, workspaceId, role, username };
    ctx.state.sessionToken = presented.token;
    await next();
  };
}

/** Answer 403 unless the authenticated operator has one of `roles`; use after `requireOperator`. */
export function requireRole(...roles: OperatorRole[]): Middleware<DashboardState> {
  const allowed = new Set(roles);
  return async function requireRoleMiddleware(ctx, next) {
    const operator = currentOperator(ctx);
    if (!allowed.has(operator.role)) throw forbidden(`requires role ${roles.join(' or ')}`);
    await next();
  };
}

/** The authenticated operator; throws 401 when `requireOperator` did not run. */
export function currentOperator(ctx: DashboardContext): AuthenticatedOperator {
  if (!ctx.state.operator) throw unauthorized();
  return ctx.state.operator;
}
