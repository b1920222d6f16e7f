import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoFaqPath } from '../__fixtures__/demo-entries.ts';
import { FaqTableError, parseFaqTable, splitVariants } from './faq-table.ts';

describe('parseFaqTable', () => {
  it('reads the demo knowledge base without problems', () => {
    const table = parseFaqTable(readFileSync(demoFaqPath, 'utf8'), { sourceName: 'milk-tea-faq.tsv' });
    expect(table.problems).toEqual([]);
    expect(table.entries.length).toBeGreaterThanOrEqual(30);
    const hours = table.entries.find((entry) => entry.id === 'hours');
    expect(hours?.variants).toContain('营业时间是多少');
    expect(hours?.category).toBe('门店');
    expect(hours?.sourceName).toBe('milk-tea-faq.tsv');
  });

  it('finds columns by English or Chinese header names in any order and ignores others', () => {
    const tsv = '答案\t备注\t问题\t编号\t相似问题\n10点开门。\t内部\t几点开门\th1\t营业时间|几点营业\n';
    const { entries, problems } = parseFaqTable(tsv);
    expect(problems).toEqual([]);
    expect(entries).toEqual([
      { id: 'h1', kind: 'faq', question: '几点开门', variants: ['营业时间', '几点营业'], answer: '10点开门。', line: 2 },
    ]);
  });

  it('reports bad rows with their line and reason and keeps the good ones', () => {
    const tsv = [
      'id\tquestion\tanswer',
      'a\t几点开门\t10点。',
      '\t没有编号\t有答案',
      'b\t没有答案\t',
      'a\t重复编号\t答案',
      '',
      'c\t多了一列\t答案\t多余',
      'd\t\t只有答案的条目',
    ].join('\n');
    const { entries, problems } = parseFaqTable(tsv);
    expect(entries.map((entry) => entry.id)).toEqual(['a', 'd']);
    expect(problems).toEqual([
      { line: 3, reason: 'missing id' },
      { line: 4, reason: 'missing answer' },
      { line: 5, reason: 'duplicate id "a" (first on line 2)' },
      { line: 7, reason: '4 cells but the header has 3 (a stray tab or comma?)' },
    ]);
  });

  it('numbers the rows when the table has no id column', () => {
    const { entries } = parseFaqTable('question\tanswer\n几点开门\t10点。\n在哪\t湖滨路。\n');
    expect(entries.map((entry) => entry.id)).toEqual(['1', '2']);
  });

  it('reads CSV with quotes, doubled quotes and newlines inside fields, keeping line numbers', () => {
    const csv = 'id,question,answer\r\nq1,"几点开门，几点关门","每天10点开门。\n22点关门。"\r\nq2,"说""你好""",\r\nq3,在哪,湖滨路\r\n';
    const table = parseFaqTable(csv, { sourceName: 'faq.csv' });
    expect(table.format).toBe('csv');
    expect(table.entries[0]).toMatchObject({ id: 'q1', question: '几点开门，几点关门', answer: '每天10点开门。\n22点关门。' });
    expect(table.problems).toEqual([{ line: 4, reason: 'missing answer' }]);
    expect(table.entries[1]).toMatchObject({ id: 'q3', line: 5 });
  });

  it('reads a JSON array, with variants as an array or a |-separated string', () => {
    const json = JSON.stringify([
      { id: 'a', question: '几点开门', similar: ['营业时间', '几点营业'], answer: '10点。', category: '门店' },
      { id: 'b', question: '在哪', similar: '地址|门店位置', answer: '湖滨路。' },
      'not an object',
      { id: 'c', question: '怎么退款', answer: { text: '?' } },
    ]);
    const table = parseFaqTable(json);
    expect(table.format).toBe('json');
    expect(table.entries.map((entry) => entry.variants)).toEqual([['营业时间', '几点营业'], ['地址', '门店位置']]);
    expect(table.problems).toEqual([
      { line: 3, reason: 'not an object' },
      { line: 4, reason: '"answer" is not text' },
    ]);
  });

  it('refuses a table without an answer column, and invalid JSON', () => {
    expect(() => parseFaqTable('foo\tbar\n1\t2\n')).toThrow(FaqTableError);
    expect(() => parseFaqTable('[{"id": 1,}]')).toThrow(FaqTableError);
  });
});

describe('splitVariants', () => {
  it('splits on | and full-width ｜ and drops empty parts', () => {
    expect(splitVariants(' 营业时间 |几点营业｜｜ ')).toEqual(['营业时间', '几点营业']);
  });
});
