/** `kefu bench`: every name it offers runs a script that exists; an unknown name is a usage error. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { benches, runBench } from './bench.ts';

describe('kefu bench', () => {
  test.each(Object.entries(benches))('%s runs a script that exists (%s)', (_name, relative) => {
    expect(existsSync(fileURLToPath(new URL(relative, new URL('./bench.ts', import.meta.url))))).toBe(true);
  });

  test('an unknown benchmark is a usage error naming the choices', async () => {
    await expect(runBench(['nope'])).rejects.toThrow(/choose one of ingress, knowledge, intents, pglite-statements/);
  });
});
