/**
 * Koa-style middleware composition for the bot pipeline: `(ctx, next) => Promise<void>`.
 * Development-mode guards (on unless NODE_ENV=production) catch the two classic mistakes:
 * calling `next()` twice, and returning before a downstream `next()` finished (a forgotten
 * `await`), which would let the reply be sent before the handler below decided anything.
 */
import { KefuError } from './errors.ts';

export type Next = () => Promise<void>;
export type Middleware<Context> = (ctx: Context, next: Next) => Promise<void> | void;

/** A named middleware mistake caught by the development guards. */
export class MiddlewareMisuseError extends KefuError {
  constructor(message: string) {
    super('middleware_misuse', message);
  }
}

export interface ComposeOptions {
  /** Turn the development guards on or off; default: on unless NODE_ENV=production. */
  guards?: boolean;
}

const nameOf = (middleware: Function, index: number) => middleware.name || `middleware #${index}`;

/** Compose middleware into one; the result is itself a middleware. */
export function compose<Context>(
  middleware: ReadonlyArray<Middleware<Context>>,
  options: ComposeOptions = {},
): Middleware<Context> {
  const guards = options.guards ?? process.env.NODE_ENV !== 'production';
  return function composed(ctx: Context, next?: Next): Promise<void> {
    let lastIndex = -1;
    const dispatch = async (index: number): Promise<void> => {
      if (index <= lastIndex) {
        throw new MiddlewareMisuseError(`next() called multiple times in ${nameOf(middleware[index - 1]!, index - 1)}`);
      }
      lastIndex = index;
      const current = index === middleware.length ? next : middleware[index];
      if (!current) return;
      if (!guards) return current(ctx, () => dispatch(index + 1));
      let downstream: Promise<void> | undefined;
      let downstreamDone = false;
      await current(ctx, () => {
        downstream = dispatch(index + 1).finally(() => {
          downstreamDone = true;
        });
        return downstream;
      });
      if (downstream && !downstreamDone) {
        // Let the downstream settle so its errors are not lost, then report the misuse.
        await downstream.catch(() => undefined);
        throw new MiddlewareMisuseError(
          `${nameOf(current, index)} returned before the middleware after it finished (missing await on next()?)`,
        );
      }
    };
    return dispatch(0);
  };
}
