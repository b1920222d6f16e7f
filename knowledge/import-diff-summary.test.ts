import { describe, expect, it } from 'vitest';
import { namedEntriesLimit, summarizeImportDiff } from './import-diff-summary.ts';

const entry = (key: string, question = `问题${key}`) => ({ key, question });

describe('summarizeImportDiff', () => {
  it('keeps the counts and what they were taken against', () => {
    const diff = { added: 2, changed: 0, removed: 0, unchanged: 3 };
    const detail = { added: [entry('a'), entry('b')], changed: [], removed: [] };
    expect(summarizeImportDiff({ diff, diffDetail: detail, basis: null })).toEqual({ ...diff, against: null, named: [], more: 0 });
    expect(summarizeImportDiff({ diff, diffDetail: detail, basis: { status: 'draft', number: 5 } }).against).toEqual({ status: 'draft', number: 5 });
  });

  it('names changed, then removed entries up to the limit, and counts the rest', () => {
    const changed = Array.from({ length: 8 }, (_, index) => entry(`c${index}`));
    const removed = [entry('r0'), entry('store.md#846f9047-1', ''), entry('r2'), entry('r3')];
    const summary = summarizeImportDiff({
      diff: { added: 1, changed: 8, removed: 4, unchanged: 9 },
      diffDetail: { added: [entry('new')], changed, removed },
      basis: { status: 'published', number: 1 },
    });
    expect(namedEntriesLimit).toBe(10);
    expect(summary).toMatchObject({ added: 1, changed: 8, removed: 4, unchanged: 9, against: { status: 'published', number: 1 }, more: 2 });
    expect(summary.named).toHaveLength(10);
    expect(summary.named[0]).toEqual({ change: 'changed', key: 'c0', question: '问题c0' });
    expect(summary.named.slice(8)).toEqual([
      { change: 'removed', key: 'r0', question: '问题r0' },
      { change: 'removed', key: 'store.md#846f9047-1', question: '' },
    ]);
    expect(summarizeImportDiff({ diff: { added: 0, changed: 1, removed: 1, unchanged: 0 }, diffDetail: { added: [], changed, removed }, basis: null }, 3).more).toBe(9);
  });
});
