import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoFaqPath } from '../__fixtures__/demo-entries.ts';
import { runEvalRetrieval } from './run-eval-retrieval.ts';

describe('runEvalRetrieval', () => {
  const directory = mkdtempSync(join(tmpdir(), 'kefu-eval-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('prints skipped rows and progress, and the result JSON as the last line', async () => {
    const queries = join(directory, 'queries.tsv');
    writeFileSync(
      queries,
      ['query\tgold_ids', '晚上几点关门\thours', '我要退钱\trefund,refund-progress', '\thours', '发票\t', '开发票\tinvoice'].join('\n'),
    );
    const lines: string[] = [];
    const result = await runEvalRetrieval({ kb: demoFaqPath.pathname, queries }, (line) => lines.push(line));
    expect(lines).toContain(`${queries}:4: skipped: empty query`);
    expect(lines).toContain(`${queries}:5: skipped: no gold_ids`);
    expect(JSON.parse(lines.at(-1)!)).toEqual(result);
    expect(result).toMatchObject({ queries: 3, 'hit@1': 1, 'hit@5': 1, 'mrr@10': 1 });
  });

  it('reads a knowledge file in the eval format with an empty question and extra columns', async () => {
    const kb = join(directory, 'kb.tsv');
    const queries = join(directory, 'q.tsv');
    writeFileSync(kb, 'id\tquestion\tanswer\tsource\n1\t\t外卖配送费3元，满39元免配送费。\tweb\n2\t几点开门\t10点。\tweb\n');
    writeFileSync(queries, 'query\tgold_ids\n配送费怎么算\t1\n');
    const lines: string[] = [];
    await runEvalRetrieval({ kb, queries }, (line) => lines.push(line));
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ entries: 2, queries: 1, 'hit@1': 1 });
  });
});
