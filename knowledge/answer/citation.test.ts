import { describe, expect, it } from 'vitest';
import { sourcesLine } from '../../adapters/wechat-official/format.ts';
import type { KnowledgeEntry } from '../types.ts';
import { citationOf, sourceLabelOf } from './citation.ts';

const chunk = (position: KnowledgeEntry['position']): KnowledgeEntry => ({
  id: 'manual#1',
  kind: 'chunk',
  question: '过敏原 > 坚果',
  variants: [],
  answer: '所有饮品均不含坚果。',
  sourceName: '过敏原指南.pdf',
  position,
});

describe('citations', () => {
  it('name a document passage’s file and page or lines', () => {
    expect(sourceLabelOf(chunk({ page: 3 }))).toBe('过敏原指南.pdf 第3页');
    expect(sourceLabelOf(chunk({ page: 3, pageEnd: 4 }))).toBe('过敏原指南.pdf 第3–4页');
    expect(sourceLabelOf(chunk({ lineStart: 12, lineEnd: 18 }))).toBe('过敏原指南.pdf 第12–18行');
    expect(sourceLabelOf(chunk(undefined))).toBe('过敏原指南.pdf');
  });

  it('leave an FAQ entry to its question', () => {
    const faq: KnowledgeEntry = { id: 'hours', kind: 'faq', question: '几点开门？', variants: [], answer: '10点', sourceName: 'faq.tsv', position: { line: 2 } };
    expect(citationOf({ entry: faq, score: 3 })).toEqual({ id: 'hours', title: '几点开门？', score: 3 });
  });

  it('show up in WeChat’s source line', () => {
    const citation = citationOf({ entry: chunk({ page: 3 }), score: 1 });
    expect(sourcesLine([citation])).toBe('来源：过敏原 > 坚果（过敏原指南.pdf 第3页）');
  });
});
