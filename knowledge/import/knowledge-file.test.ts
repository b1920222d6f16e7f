import { describe, expect, it } from 'vitest';
import { parseKnowledgeFile } from './knowledge-file.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('parseKnowledgeFile (FAQ tables only)', () => {
  it('reads a CSV table with its problems and the file name as source', async () => {
    const parsed = await parseKnowledgeFile({ fileName: 'faq.csv', content: utf8('id,question,answer\na,几点开门,10点\nb,没有答案,\n') });
    expect(parsed.format).toBe('csv');
    expect(parsed.entries).toEqual([{ id: 'a', kind: 'faq', question: '几点开门', variants: [], answer: '10点', sourceName: 'faq.csv', line: 2 }]);
    expect(parsed.problems).toEqual([{ line: 3, reason: 'missing answer' }]);
  });

  it('throws bad_knowledge_file for documents, non-UTF-8 bytes and tables without an answer column', async () => {
    const code = { code: 'bad_knowledge_file' };
    await expect(parseKnowledgeFile({ fileName: 'manual.pdf', content: utf8('%PDF') })).rejects.toMatchObject(code);
    await expect(parseKnowledgeFile({ fileName: 'faq.tsv', content: utf8('x'), format: 'xlsx' })).rejects.toMatchObject(code);
    await expect(parseKnowledgeFile({ fileName: 'faq.csv', content: new Uint8Array([0xb3, 0xa3, 0x2c]) })).rejects.toMatchObject(code);
    await expect(parseKnowledgeFile({ fileName: 'faq.tsv', content: utf8('id\tquestion\n1\tq\n') })).rejects.toMatchObject(code);
  });
});
