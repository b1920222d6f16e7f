import { describe, expect, it } from 'vitest';
import { summarizeImportDiff } from '../../knowledge/import-diff-summary.ts';
import { diffLines } from './import-summary.ts';

const entry = (key: string, question = `问题${key}`) => ({ key, question });

describe('kefu import summary', () => {
  it('says what the diff was taken against', () => {
    const diff = { added: 2, changed: 0, removed: 0, unchanged: 0 };
    const detail = { added: [entry('a'), entry('b')], changed: [], removed: [] };
    const lines = (basis: Parameters<typeof summarizeImportDiff>[0]['basis']) => diffLines(summarizeImportDiff({ diff, diffDetail: detail, basis }));
    expect(lines(null)).toEqual(['against nothing published before: 2 added, 0 changed, 0 removed, 0 unchanged']);
    expect(lines({ status: 'published', number: 4 })[0]).toMatch(/^against published version 4: /);
    expect(lines({ status: 'draft', number: 5 })[0]).toMatch(/^against the open draft, version 5 \(replaced by the files/);
  });

  it('names changed, then removed entries up to the limit, then how many more', () => {
    const changed = Array.from({ length: 8 }, (_, index) => entry(`c${index}`));
    const removed = [entry('r0'), entry('store.md#846f9047-1', ''), entry('long', '长'.repeat(80)), entry('r3')];
    const summary = summarizeImportDiff({ diff: { added: 0, changed: 8, removed: 4, unchanged: 9 }, diffDetail: { added: [], changed, removed }, basis: { status: 'published', number: 1 } });
    const lines = diffLines(summary);
    expect(lines).toHaveLength(1 + 10 + 1);
    expect(lines[1]).toBe('  changed  问题c0 [c0]');
    expect(lines[9]).toBe('  removed  问题r0 [r0]');
    expect(lines[10]).toBe('  removed  [store.md#846f9047-1]');
    expect(lines[11]).toBe('  … and 2 more');
    const longOne = summarizeImportDiff({ diff: { added: 0, changed: 0, removed: 1, unchanged: 0 }, diffDetail: { added: [], changed: [], removed: [removed[2]!] }, basis: null });
    expect(diffLines(longOne)[1]).toBe(`  removed  ${'长'.repeat(59)}… [long]`);
  });
});
