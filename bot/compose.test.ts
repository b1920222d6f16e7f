import { describe, expect, test } from 'vitest';
import { compose, MiddlewareMisuseError, type Middleware } from './compose.ts';

type Context = { log: string[] };

describe('compose', () => {
  test('runs middleware as an onion, in order', async () => {
    const ctx: Context = { log: [] };
    await compose<Context>([
      async (c, next) => { c.log.push('a1'); await next(); c.log.push('a2'); },
      async (c, next) => { c.log.push('b1'); await next(); c.log.push('b2'); },
      async (c) => { c.log.push('c'); },
    ])(ctx, async () => undefined);
    expect(ctx.log).toEqual(['a1', 'b1', 'c', 'b2', 'a2']);
  });

  test('a middleware that does not call next stops the chain', async () => {
    const ctx: Context = { log: [] };
    await compose<Context>([async (c) => { c.log.push('stop'); }, async (c) => { c.log.push('never'); }])(ctx, async () => undefined);
    expect(ctx.log).toEqual(['stop']);
  });

  test('calls the outer next after the last middleware', async () => {
    const ctx: Context = { log: [] };
    await compose<Context>([async (c, next) => { await next(); }])(ctx, async () => { ctx.log.push('outer'); });
    expect(ctx.log).toEqual(['outer']);
  });

  test('errors propagate to the caller and can be caught upstream', async () => {
    const ctx: Context = { log: [] };
    const boundary: Middleware<Context> = async (c, next) => {
      try { await next(); } catch (error) { c.log.push(`caught ${(error as Error).message}`); }
    };
    await compose<Context>([boundary, async () => { throw new Error('boom'); }])(ctx, async () => undefined);
    expect(ctx.log).toEqual(['caught boom']);
  });

  test('guards: next() called twice is an error naming the middleware', async () => {
    const twice: Middleware<Context> = async function callsTwice(_c, next) { await next(); await next(); };
    await expect(compose<Context>([twice, async () => undefined], { guards: true })({ log: [] }, async () => undefined))
      .rejects.toThrow(/next\(\) called multiple times in callsTwice/);
  });

  test('guards: returning before downstream finished is reported', async () => {
    const forgetful: Middleware<Context> = function forgetsAwait(_c, next) { void next(); };
    const slow: Middleware<Context> = async (c) => { await new Promise((r) => setTimeout(r, 20)); c.log.push('slow done'); };
    const ctx: Context = { log: [] };
    await expect(compose<Context>([forgetful, slow], { guards: true })(ctx, async () => undefined)).rejects.toBeInstanceOf(MiddlewareMisuseError);
    expect(ctx.log).toEqual(['slow done']);
  });

  test('without guards the forgotten await is not detected', async () => {
    const forgetful: Middleware<Context> = (_c, next) => { void next(); };
    await expect(compose<Context>([forgetful], { guards: false })({ log: [] }, async () => undefined)).resolves.toBeUndefined();
  });
});
