/**
 * `kefu import` as an operator runs it: a file, then the same file changed. The command opens the
 * database its configuration names — PostgreSQL when reachable (a fresh database), else the
 * embedded PGlite in a temporary data directory — and its printed summary is checked.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresTestDatabase, postgresAvailable } from '../../test/support/services.ts';
import { runImport } from './import.ts';

const faqFile = (rows: string[]) => ['id\tquestion\tsimilar\tanswer', ...rows].join('\n');
const hours = 'hours\t你们几点开门？\t营业时间\t每天10点到22点营业。';
const stores = 'stores\t你们的门店在哪里？\t门店地址\t西湖店在湖滨路36号。';
const refund = 'refund\t怎么申请退款？\t退钱\t在订单页申请退款。';

describe('kefu import', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kefu-import-'));
    env = { DATA_DIR: join(dir, 'data') };
    if (await postgresAvailable()) {
      const database = await createPostgresTestDatabase();
      env = { ...env, DATABASE_URL: database.url, KEFU_SECRET_KEY: 'test-secret-key-for-the-import-command' };
      drop = database.drop;
    }
  });
  afterAll(async () => {
    await drop?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function importFile(text: string): Promise<{ code: number; lines: string[] }> {
    const file = join(dir, 'faq.tsv');
    await writeFile(file, text);
    const out: string[] = [];
    const stream = { isTTY: false, write: (chunk: string) => out.push(chunk) };
    const code = await runImport({ files: [file], name: '茶语时光 FAQ' }, { stdout: stream, stderr: { isTTY: false, write: () => true } }, { env, cwd: dir });
    return { code, lines: out.join('').trimEnd().split('\n') };
  }

  it('prints what a re-import of a changed file changed, naming the changed and removed entries', async () => {
    const first = await importFile(faqFile([hours, stores, refund]));
    expect(first).toEqual({
      code: 0,
      lines: [
        'published version 1 of "茶语时光 FAQ": 3 entries (3 FAQ, 0 chunks), 0 problems',
        'against nothing published before: 3 added, 0 changed, 0 removed, 0 unchanged',
      ],
    });

    const changedStores = 'stores\t你们的门店在哪里？\t门店地址\t西湖店搬到了南山路8号。';
    const invoice = 'invoice\t能开发票吗？\t\t可以，在订单页申请电子发票。';
    const second = await importFile(faqFile([hours, changedStores, invoice, 'broken\t没有答案\t\t']));
    expect(second).toEqual({
      code: 0,
      lines: [
        'faq.tsv:5: missing answer',
        'published version 2 of "茶语时光 FAQ": 3 entries (3 FAQ, 0 chunks), 1 problem',
        'against published version 1: 1 added, 1 changed, 1 removed, 1 unchanged',
        '  changed  你们的门店在哪里？ [stores]',
        '  removed  怎么申请退款？ [refund]',
      ],
    });
  }, 120_000);
});
