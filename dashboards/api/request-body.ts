/**
 * A small JSON body reader with a size limit, and zod validation that names the failing field.
 * No global body parser is assumed; when an upstream parser already set `ctx.request.body`, that
 * value is used as is.
 */
import type { Context } from 'koa';
import type { z } from 'zod';
import { MalformedRequestError, PayloadTooLargeError } from '../../bot/errors.ts';
import { DashboardError } from './http-errors.ts';

/** Default largest accepted request body: dashboard requests are small JSON documents. */
export const defaultBodyLimitBytes = 64 * 1024;

async function readStream(ctx: Context, limitBytes: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || Number.NaN);
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    // Stop buffering at once: a lying or absent Content-Length must not let a client fill memory.
    if (size > limitBytes) throw new PayloadTooLargeError(limitBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The request body as bytes (file uploads), whatever its content type. Throws
 * `PayloadTooLargeError` (413) past `limitBytes`. A body an upstream parser already read as text
 * or bytes is used as is.
 */
export async function readRawBody(ctx: Context, options: { limitBytes: number }): Promise<Uint8Array> {
  const parsed = (ctx.request as { body?: unknown }).body;
  if (parsed instanceof Uint8Array) return parsed;
  if (typeof parsed === 'string') return Buffer.from(parsed, 'utf8');
  return readStream(ctx, options.limitBytes);
}

/**
 * The request's JSON body: `undefined` when empty, otherwise the parsed value.
 * Throws `MalformedRequestError` (400) for invalid JSON or a non-JSON content type and
 * `PayloadTooLargeError` (413) past `limitBytes`.
 */
export async function readJsonBody(ctx: Context, options: { limitBytes?: number } = {}): Promise<unknown> {
  const parsed = (ctx.request as { body?: unknown }).body;
  if (parsed !== undefined) return parsed;
  const limitBytes = options.limitBytes ?? defaultBodyLimitBytes;
  const text = (await readStream(ctx, limitBytes)).toString('utf8');
  if (text.trim() === '') return undefined;
  if (!ctx.is('application/json')) throw new MalformedRequestError('request body must be application/json');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MalformedRequestError('request body is not valid JSON', { cause: error });
  }
}

/** Validate `value` against `schema`; a failure is a 400 `validation_failed` naming the first field. */
export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown, where = 'body'): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map(String) : [];
  // An unknown key is reported on its parent; name the key itself instead.
  if (issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const field = path.length > 0 ? path.join('.') : where;
  const message = `${field}: ${issue?.message ?? 'invalid'}`;
  throw new DashboardError(400, 'validation_failed', message, { field, cause: result.error });
}

/** Read the JSON body and validate it in one step. */
export async function readValidBody<Schema extends z.ZodType>(
  ctx: Context,
  schema: Schema,
  options: { limitBytes?: number } = {},
): Promise<z.output<Schema>> {
  return validate(schema, (await readJsonBody(ctx, options)) ?? {}, 'body');
}
