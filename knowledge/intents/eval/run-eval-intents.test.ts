import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvalFileError, parseLabelledTsv } from './labelled-tsv.ts';
import { runEvalIntents } from './run-eval-intents.ts';

const TRAIN = [
  'text\tlabel',
  ...['我的订单到哪了', '查一下物流', '快递怎么还没到', '包裹什么时候到', '订单发货了吗'].map((text) => `${text}\torder_status`),
  ...['我要退款', '怎么退货', '钱什么时候退回来', '申请退款', '不想要了能退吗'].map((text) => `${text}\trefund`),
  ...['今天天气怎么样', '讲个笑话', '你叫什么名字', '这款手机支持5G吗', '会员积分怎么用', '怎么修改密码', '有优惠券吗', '明天会下雨吗'].map((text) => `${text}\toos`),
].join('\n');
const TEST = ['label\ttext\tnote', 'order_status\t我的快递到哪里了\tx', 'refund\t退款怎么申请\t', 'oos\tqwzx vbnm\t'].join('\n');

async function files(train: string, test: string): Promise<{ train: string; test: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'kefu-intents-'));
  await writeFile(join(folder, 'train.tsv'), train);
  await writeFile(join(folder, 'test.tsv'), test);
  return { train: join(folder, 'train.tsv'), test: join(folder, 'test.tsv') };
}

describe('runEvalIntents', () => {
  it('prints progress, then the metrics as JSON on the last line', async () => {
    const lines: string[] = [];
    const report = await runEvalIntents(await files(TRAIN, TEST), (line) => lines.push(line));
    expect(lines.length).toBeGreaterThan(1);
    expect(JSON.parse(lines.at(-1)!)).toEqual(report);
    expect(report).toMatchObject({ test_rows: 3, in_scope_rows: 2, oos_rows: 1, accuracy: 1, macro_f1: 1, oos_recall: 1, oos_precision: 1, train_rows: 18, train_oos_rows: 8, intents: 2 });
    expect(report.p95_ms).toBeGreaterThanOrEqual(report.p50_ms);
  });

  it('names the file and line of malformed input', async () => {
    const paths = await files(TRAIN, 'text\tlabel\n我要退款\trefund\n只有一列\n');
    await expect(runEvalIntents(paths, () => {})).rejects.toThrow(`${paths.test}:3: expected 2 tab-separated columns, found 1`);
  });

  it('names a missing file', async () => {
    await expect(runEvalIntents({ train: '/nonexistent/train.tsv', test: '/nonexistent/test.tsv' }, () => {})).rejects.toThrow(EvalFileError);
  });
});

describe('parseLabelledTsv', () => {
  it('requires the text and label columns in the header', () => {
    expect(() => parseLabelledTsv('query\tintent\nx\ty\n', 'a.tsv')).toThrow('a.tsv:1: header must name the columns "text" and "label"');
  });

  it('rejects empty cells and empty files with their location', () => {
    expect(() => parseLabelledTsv('text\tlabel\n你好\t\n', 'b.tsv')).toThrow('b.tsv:2: empty "label"');
    expect(() => parseLabelledTsv('text\tlabel\n', 'c.tsv')).toThrow('c.tsv: no data rows');
  });

  it('strips a BOM, ignores blank lines and extra columns', () => {
    expect(parseLabelledTsv('\ufefftext\tlabel\textra\r\n你好\tgreeting\t1\r\n\r\n', 'd.tsv')).toEqual([{ text: '你好', label: 'greeting' }]);
  });
});
