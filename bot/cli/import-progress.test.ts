import { describe, expect, it } from 'vitest';
import type { ParsedKnowledgeFile } from '../../knowledge/import/knowledge-file.ts';
import { formatProblem } from './import.ts';
import { createImportProgress } from './import-progress.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 80, write: (text: string) => writes.push(text) }, writes };
}

const parsed = (kinds: Array<'faq' | 'chunk'>): ParsedKnowledgeFile => ({
  format: 'markdown',
  entries: kinds.map((kind, index) => ({ id: String(index), kind, question: '', variants: [], answer: '答' })),
  problems: [],
});

describe('kefu import progress', () => {
  it('writes plain progress lines when stderr is not a terminal', () => {
    const { stream, writes } = fakeStream(false);
    const progress = createImportProgress(stream, 3);
    progress.fileDone?.({ path: '/a/policy.md', sourceName: 'policy.md' }, 0, 3, { parsed: parsed(['chunk', 'chunk']) });
    progress.fileDone?.({ path: '/a/faq.xlsx', sourceName: 'faq.xlsx' }, 1, 3, { parsed: parsed(['faq']) });
    progress.fileDone?.({ path: '/a/x.pdf', sourceName: 'x.pdf' }, 2, 3, {});
    progress.publishing?.(3);
    progress.stop();
    expect(writes.join('')).toBe('[1/3] policy.md: 2 chunks\n[2/3] faq.xlsx: 1 FAQ entry\n[3/3] x.pdf: could not be used\npublishing 3 entries…\n');
  });

  it('draws a bar on a terminal and clears it when stopped', () => {
    const { stream, writes } = fakeStream(true);
    const progress = createImportProgress(stream, 2);
    progress.fileDone?.({ path: '/a/policy.md', sourceName: 'policy.md' }, 0, 2, { parsed: parsed(['chunk']) });
    progress.publishing?.(5);
    progress.stop();
    const output = writes.join('');
    expect(output).toContain('parsing');
    expect(output).toContain('publishing');
    expect(output).not.toContain('\n[1/2]');
  });

  it('prints problems as file:line: reason, or file: reason without a line', () => {
    expect(formatProblem({ file: 'faq.xlsx', line: 7, reason: 'missing answer' })).toBe('faq.xlsx:7: missing answer');
    expect(formatProblem({ file: 'scan.pdf', reason: 'page 2 has no text' })).toBe('scan.pdf: page 2 has no text');
  });
});
