/**
 * Errors of the dashboard API and the middleware that renders them. Rendering is separate from
 * reporting: a known `DashboardError` becomes its status and `{ error: { code, message } }`;
 * anything else is reported on the app's `'error'` event and rendered as a bare 500, so no stack,
 * SQL or row data ever reaches the client.
 */
import type { Context, Middleware, Next } from 'koa';
import { KefuError, MalformedRequestError, PayloadTooLargeError } from '../../bot/errors.ts';

/** An error with the HTTP status and stable code the client sees. */
export class DashboardError extends KefuError {
  readonly status: number;
  /** The request field at fault, for validation errors. */
  readonly field?: string;
  constructor(status: number, code: string, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.status = status;
    this.field = options.field;
  }
}

/** 401: no valid session, or wrong credentials (never saying which part was wrong). */
export const unauthorized = (message = 'authentication required', code = 'unauthorized') =>
  new DashboardError(401, code, message);

/** 403: authenticated but not allowed. */
export const forbidden = (message = 'not allowed', code = 'forbidden') => new DashboardError(403, code, message);

/** 404: absent, or present in another workspace (the two are indistinguishable on purpose). */
export const notFound = (what: string) => new DashboardError(404, 'not_found', `${what} not found`);

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

function render(ctx: Context, status: number, error: ErrorBody['error']): void {
  ctx.status = status;
  ctx.body = { error } satisfies ErrorBody;
}

/**
 * Catch errors of downstream middleware and render them as JSON. Unknown errors are emitted on
 * `ctx.app` for the process's logger and answered with `internal_error`.
 */
export function renderErrors(): Middleware {
  return async function renderDashboardErrors(ctx: Context, next: Next) {
    try {
      await next();
    } catch (error) {
      if (error instanceof DashboardError) {
        const field = error.field === undefined ? {} : { field: error.field };
        render(ctx, error.status, { code: error.code, message: error.message, ...field });
      } else if (error instanceof PayloadTooLargeError) {
        render(ctx, 413, { code: error.code, message: error.message });
      } else if (error instanceof MalformedRequestError) {
        render(ctx, 400, { code: error.code, message: error.message });
      } else {
        ctx.app.emit('error', error, ctx);
        render(ctx, 500, { code: 'internal_error', message: 'internal error' });
      }
    }
  };
}
