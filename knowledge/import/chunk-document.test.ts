import { describe, expect, it } from 'vitest';
import { chunkDocument, lengthOf } from './chunk-document.ts';
import type { DocumentBlock } from './document-block.ts';
import { markdownBlocks } from './markdown-blocks.ts';

const chunk = (markdown: string, limits?: { targetChars?: number; maxChars?: number }) =>
  chunkDocument(markdownBlocks(markdown), { sourceName: 'policy.md', limits });

describe('chunkDocument', () => {
  it('starts a chunk at every heading and names it by its heading path', () => {
    const chunks = chunk('# 门店服务\n\n欢迎。\n\n## 营业时间\n\n10 点开门。\n\n### 节假日\n\n照常营业。\n\n## 外卖\n\n3 公里内。\n');
    expect(chunks.map((entry) => [entry.question, entry.answer])).toEqual([
      ['门店服务', '欢迎。'],
      ['门店服务 > 营业时间', '10 点开门。'],
      ['门店服务 > 营业时间 > 节假日', '照常营业。'],
      ['门店服务 > 外卖', '3 公里内。'],
    ]);
    expect(chunks[2]).toMatchObject({
      kind: 'chunk',
      sourceName: 'policy.md',
      line: 11,
      position: { headingPath: ['门店服务', '营业时间', '节假日'], lineStart: 11, lineEnd: 11 },
    });
  });

  it('packs small blocks of a section together up to the target size', () => {
    const paragraphs = Array.from({ length: 6 }, (_, index) => `第${index + 1}段${'茶'.repeat(40)}。`);
    const chunks = chunk(`## 说明\n\n${paragraphs.join('\n\n')}\n`, { targetChars: 100, maxChars: 300 });
    expect(chunks.map((entry) => entry.answer.split('\n').length)).toEqual([2, 2, 2]);
    expect(chunks.every((entry) => lengthOf(entry.answer) <= 100)).toBe(true);
    expect(chunks.map((entry) => entry.position.lineStart)).toEqual([3, 7, 11]);
  });

  it('keeps a list or a table whole when it is over the target but under the hard limit', () => {
    const items = Array.from({ length: 8 }, (_, index) => `- 第${index + 1}条：${'奶'.repeat(20)}`).join('\n');
    const rows = Array.from({ length: 8 }, (_, index) => `| 饮品${index + 1} | ${'料'.repeat(20)} |`).join('\n');
    const chunks = chunk(`## 清单\n\n${items}\n\n## 价目\n\n| 饮品 | 说明 |\n|---|---|\n${rows}\n`, { targetChars: 100, maxChars: 400 });
    expect(chunks).toHaveLength(2);
    expect(chunks[0]!.answer.split('\n')).toHaveLength(8);
    expect(chunks[1]!.answer.split('\n')).toHaveLength(9);
    expect(chunks[1]!.answer.startsWith('饮品 | 说明\n')).toBe(true);
  });

  it('splits a list over the hard limit between items and a table between rows, repeating its header', () => {
    const items = Array.from({ length: 20 }, (_, index) => `- 第${index + 1}条：${'奶'.repeat(20)}`).join('\n');
    const rows = Array.from({ length: 20 }, (_, index) => `| 饮品${index + 1} | ${'料'.repeat(20)} |`).join('\n');
    const chunks = chunk(`## 清单\n\n${items}\n\n## 价目\n\n| 饮品 | 说明 |\n|---|---|\n${rows}\n`, { targetChars: 150, maxChars: 300 });
    const list = chunks.filter((entry) => entry.question === '清单');
    const table = chunks.filter((entry) => entry.question === '价目');
    expect(list.length).toBeGreaterThan(1);
    expect(table.length).toBeGreaterThan(1);
    for (const entry of chunks) expect(lengthOf(entry.answer)).toBeLessThanOrEqual(150);
    // Every item and every row is in exactly one chunk, whole.
    expect(list.flatMap((entry) => entry.answer.split('\n'))).toEqual(items.split('\n'));
    for (const entry of table) expect(entry.answer.split('\n')[0]).toBe('饮品 | 说明');
    expect(table.flatMap((entry) => entry.answer.split('\n').slice(1))).toHaveLength(20);
  });

  it('splits a long paragraph at sentence ends, and cuts a sentence only past the hard limit', () => {
    const sentence = `${'茶'.repeat(58)}。`;
    const chunks = chunk(`## 长段\n\n${sentence.repeat(10)}\n\n## 超长句\n\n${'奶'.repeat(250)}\n`, { targetChars: 120, maxChars: 200 });
    const long = chunks.filter((entry) => entry.question === '长段');
    expect(long.map((entry) => entry.answer)).toEqual(Array.from({ length: 5 }, () => sentence.repeat(2)));
    const runOn = chunks.filter((entry) => entry.question === '超长句').map((entry) => lengthOf(entry.answer));
    expect(runOn).toEqual([200, 50]);
  });

  it('counts ids per heading path, so editing one section leaves the ids and text of the others alone', () => {
    const sections = (refund: string) => `# 指南\n\n## 营业时间\n\n10 点开门。\n\n## 退款\n\n${refund}\n\n## 外卖\n\n3 公里内。\n\n## 外卖\n\n第二个同名小节。\n`;
    const before = chunk(sections('30 分钟内可退。'), { targetChars: 20, maxChars: 40 });
    const after = chunk(sections(`30 分钟内可退。\n\n${'凭小票退款，'.repeat(5)}到店办理。`), { targetChars: 20, maxChars: 40 });
    const byId = (chunks: typeof before) => new Map(chunks.map((entry) => [entry.id, entry.answer]));
    const [old, edited] = [byId(before), byId(after)];
    const changed = [...edited.keys()].filter((id) => old.get(id) !== edited.get(id));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((id) => after.find((entry) => entry.id === id)?.question === '指南 > 退款')).toBe(true);
    for (const entry of before.filter((candidate) => candidate.question !== '指南 > 退款')) expect(edited.get(entry.id)).toBe(entry.answer);
    // Same heading path twice: numbered on, not clashing.
    const delivery = after.filter((entry) => entry.question === '指南 > 外卖').map((entry) => entry.id);
    expect(delivery).toHaveLength(2);
    expect(delivery[0]!.replace(/-1$/, '-2')).toBe(delivery[1]);
    expect(new Set(after.map((entry) => entry.id)).size).toBe(after.length);
  });

  it('moves the other default out of the way when one limit is given alone', () => {
    const text = `## 说明\n\n${'茶'.repeat(50)}。${'奶'.repeat(50)}。\n`;
    expect(chunk(text, { maxChars: 60 }).map((entry) => lengthOf(entry.answer))).toEqual([51, 51]);
    expect(chunk(text, { targetChars: 2000 })).toHaveLength(1);
  });

  it('merges page spans and refuses nonsensical limits', () => {
    const blocks: DocumentBlock[] = [
      { type: 'paragraph', text: '第一页', span: { page: 1 } },
      { type: 'paragraph', text: '第二页', span: { page: 2 } },
    ];
    expect(chunkDocument(blocks, { sourceName: 'a.pdf' })[0]?.position).toEqual({ headingPath: [], page: 1, pageEnd: 2 });
    expect(() => chunkDocument(blocks, { sourceName: 'a.pdf', limits: { targetChars: 500, maxChars: 100 } })).toThrow(
      expect.objectContaining({ code: 'bad_chunk_limits' }),
    );
  });
});
