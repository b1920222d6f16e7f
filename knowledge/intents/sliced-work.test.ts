import { describe, expect, test } from 'vitest';
import { createIntentDetector, trainIntentDetector } from './intent-detector.ts';
import { runInSlices, runToEnd, type SlicedWork } from './sliced-work.ts';
import { STARTER_INTENTS, STARTER_OUT_OF_SCOPE_EXAMPLES } from './starter-intents.ts';

function* counting(steps: number, log: string[]): SlicedWork<number> {
  for (let step = 0; step < steps; step++) {
    log.push(`step ${step}`);
    yield;
  }
  return steps;
}

describe('sliced work', () => {
  test('runs to its end at once, or in slices that let the event loop turn between them', async () => {
    const log: string[] = [];
    expect(runToEnd(counting(3, log))).toBe(3);
    expect(log).toEqual(['step 0', 'step 1', 'step 2']);

    log.length = 0;
    const running = runInSlices(counting(3, log), { sliceMs: 0 });
    setImmediate(() => log.push('event loop'));
    // A slice of 0 ms is one step: the loop turns after each.
    await expect(running).resolves.toBe(3);
    expect(log).toEqual(['step 0', 'event loop', 'step 1', 'step 2']);
  });

  test('works running at once take turns, one slice per turn of the event loop', async () => {
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const log: string[] = [];
    const stepsOf = function* (name: string): SlicedWork<void> {
      for (let step = 0; step < 3; step++) {
        log.push(`${name}${step} in turn ${turn}`);
        yield;
      }
    };
    await Promise.all([runInSlices(stepsOf('a'), { sliceMs: 0 }), runInSlices(stepsOf('b'), { sliceMs: 0 })]);
    ticking = false;
    const turns = log.map((entry) => Number(entry.split(' ').at(-1)));
    expect(log.map((entry) => entry.split(' ')[0])).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
    // Never two slices in one turn: each step saw the loop turn since the one before.
    expect(turns.every((value, index) => index === 0 || value > turns[index - 1]!)).toBe(true);
  });

  test('rejects with what the work throws', async () => {
    function* failing(): SlicedWork<never> {
      yield;
      throw new Error('bad list');
    }
    await expect(runInSlices(failing())).rejects.toThrow('bad list');
  });

  test('a detector trained in slices is the one trained at once, and the loop turns while it trains', async () => {
    const options = { intents: STARTER_INTENTS, outOfScopeExamples: STARTER_OUT_OF_SCOPE_EXAMPLES };
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const sliced = await trainIntentDetector(options, { sliceMs: 0 });
    clearInterval(ticking);
    expect(turns).toBeGreaterThan(0);
    const atOnce = createIntentDetector(options);
    expect(sliced.classifier.threshold).toBe(atOnce.classifier.threshold);
    for (const text of ['我的快递到哪了', '你好', '能开发票吗', '今天天气不错', 'I want a refund']) {
      expect(sliced.classifier.classify(text), text).toEqual(atOnce.classifier.classify(text));
    }
    await expect(trainIntentDetector({ intents: [{ name: 'a', examples: ['x'] }, { name: 'a', examples: ['y'] }] })).rejects.toThrow(/twice/);
  });
});
