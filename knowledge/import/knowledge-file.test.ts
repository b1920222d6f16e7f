import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { contentHashOf } from '../knowledge-repository.ts';
import { KnowledgeFileError, parseKnowledgeFile, type ParsedKnowledgeFile } from './knowledge-file.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../__fixtures__/documents/${name}`, import.meta.url)));
const parse = (fileName: string, content: Uint8Array | string, format?: ParsedKnowledgeFile['format']) =>
  parseKnowledgeFile({ fileName, content: typeof content === 'string' ? new TextEncoder().encode(content) : content, format });
const outline = (parsed: ParsedKnowledgeFile) => parsed.entries.map((entry) => [entry.question, entry.answer]);

async function workbook(rows: unknown[][], sheetName = 'FAQ'): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sheetName);
  for (const row of rows) sheet.addRow(row);
  // A second sheet that is not an FAQ table: only the first (or the named) one is read.
  book.addWorksheet('说明').addRow(['这一页不是 FAQ']);
  return new Uint8Array((await book.xlsx.writeBuffer()) as ArrayBuffer);
}

describe('parseKnowledgeFile: documents', () => {
  it('chunks the Markdown store policy by heading, keeping the list and the table whole with their lines', async () => {
    const parsed = await parse('store-policy.md', fixture('store-policy.md'));
    expect(parsed.format).toBe('markdown');
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((entry) => entry.question)).toEqual([
      '茶语时光门店服务指南',
      '茶语时光门店服务指南 > 营业时间',
      '茶语时光门店服务指南 > 点单与取餐',
      '茶语时光门店服务指南 > 饮品价格',
      '茶语时光门店服务指南 > 退换与投诉 > 饮品不满意',
      '茶语时光门店服务指南 > 退换与投诉 > 投诉渠道',
    ]);
    const ordering = parsed.entries[2]!;
    expect(ordering.answer).toBe(
      '- 到店点单：在收银台或自助点单机下单。\n' +
        '- 小程序点单：打开“茶语时光”小程序，选择门店后下单，到店凭取餐号取餐。\n' +
        '  - 小程序订单会在取餐屏上显示进度。\n' +
        '- 外卖：通过美团、饿了么下单，配送范围为门店 3 公里内。',
    );
    expect(ordering).toMatchObject({ kind: 'chunk', sourceName: 'store-policy.md', line: 12 });
    expect(ordering.position).toEqual({ headingPath: ['茶语时光门店服务指南', '点单与取餐'], lineStart: 12, lineEnd: 15 });
    expect(parsed.entries[3]!.answer).toBe(
      '饮品 | 中杯 | 大杯\n珍珠奶茶 | 12 元 | 15 元\n杨枝甘露 | 16 元 | 19 元\n茉莉绿茶 | 10 元 | 12 元\n加料（珍珠、椰果、芋圆）每份 2 元。',
    );
    expect(parsed.entries[3]!.position).toMatchObject({ lineStart: 19, lineEnd: 25 });
  });

  it('re-parses an edited document with the ids and hashes of untouched sections unchanged', async () => {
    const original = new TextDecoder().decode(fixture('store-policy.md'));
    const edited = original
      .replace('西湖店周五、周六延长到 23:00。', '西湖店周五、周六延长到 23:30。')
      .replace('## 饮品价格', '## 新品\n\n桂花乌龙奶茶限时上市。\n\n## 饮品价格');
    const hashes = async (text: string) =>
      new Map((await parse('store-policy.md', text)).entries.map((entry) => [entry.id, contentHashOf(entry)]));
    const [before, after] = [await hashes(original), await hashes(edited)];
    const changed = [...after].filter(([id, hash]) => before.get(id) !== hash).map(([id]) => id);
    const questions = new Map((await parse('store-policy.md', edited)).entries.map((entry) => [entry.id, entry.question]));
    expect(changed.map((id) => questions.get(id))).toEqual(['茶语时光门店服务指南 > 营业时间', '茶语时光门店服务指南 > 新品']);
    expect([...before.keys()].filter((id) => !after.has(id))).toEqual([]);
  });

  it('chunks an HTML page: headings, a list of unclosed items, a table with its header; no nav or script', async () => {
    const parsed = await parse('membership.html', fixture('membership.html'));
    expect(parsed.format).toBe('html');
    expect(outline(parsed)).toEqual([
      ['会员说明', '注册茶语时光会员免费，在小程序“我的”页面用手机号一键注册。'],
      [
        '会员说明 > 积分规则',
        '每消费 1 元积 1 分，积分有效期为两年。\n退款订单的积分会被扣回。\n- 生日当月消费享双倍积分\n- 100 积分可兑换一张满 20 减 5 的优惠券\n- 500 积分可兑换任意中杯饮品一杯',
      ],
      ['会员说明 > 会员等级', '等级 | 门槛 | 权益\n银卡 | 累计 500 积分 | 每月一张免费加料券\n金卡 | 累计 2000 积分 | 每月一杯免费中杯饮品 & 优先取餐'],
    ]);
    expect(parsed.entries[2]!.position).toEqual({ headingPath: ['会员说明', '会员等级'], lineStart: 20, lineEnd: 26 });
  });

  it('chunks plain text under its title by its Chinese outline numbering (一、 then （一）)', async () => {
    const parsed = await parse('store-notice.txt', fixture('store-notice.txt'));
    expect(parsed.format).toBe('text');
    expect(parsed.entries.map((entry) => entry.question)).toEqual([
      '茶语时光门店告示 > 一、WiFi 与充电',
      '茶语时光门店告示 > 二、宠物与外带食物 > （一）宠物',
      '茶语时光门店告示 > 二、宠物与外带食物 > （二）外带食物',
      '茶语时光门店告示 > 三、失物招领',
    ]);
    expect(parsed.entries[3]).toMatchObject({ answer: '遗失物品请联系店员：\n- 门店保管 7 天\n- 贵重物品当天交派出所', position: { lineStart: 14, lineEnd: 16 } });
  });

  it('chunks a PDF per heading (from font sizes) with the page of each chunk and radicals folded', async () => {
    const parsed = await parse('allergen-guide.pdf', fixture('allergen-guide.pdf'));
    expect(parsed.format).toBe('pdf');
    expect(parsed.entries.map((entry) => [entry.question, entry.position?.page])).toEqual([
      ['过敏原与营养信息', 1],
      ['过敏原与营养信息 > 含乳制品的饮品', 1],
      ['过敏原与营养信息 > 含坚果的饮品', 1],
      ['过敏原与营养信息 > 乳糖不耐受', 2],
      ['过敏原与营养信息 > 咖啡因', 2],
    ]);
    // The PDF's font maps 页, 见, 牛 to radical code points; a customer types the real characters.
    expect(parsed.entries[0]!.answer).toBe('本页列出茶语时光饮品中常见的过敏原，点单前如有疑问请咨询店员。');
    expect(parsed.entries[3]!.answer).toContain('把牛奶换成燕麦奶，每杯加 3 元');
  });

  it('chunks a DOCX through mammoth: heading styles, a bulleted list and a table', async () => {
    const parsed = await parse('delivery-policy.docx', fixture('delivery-policy.docx'));
    expect(parsed.format).toBe('docx');
    expect(outline(parsed)).toEqual([
      ['外卖配送说明', '茶语时光外卖由美团、饿了么骑手配送，配送范围为门店 3 公里内。'],
      ['外卖配送说明 > 配送费用', '订单满 30 元免配送费，不满 30 元收取 4 元配送费。'],
      ['外卖配送说明 > 配送时间', '- 午餐高峰 11:30–13:30 约 40 分钟送达\n- 其他时段约 30 分钟送达\n- 雨雪天气可能延迟，请耐心等待'],
      ['外卖配送说明 > 洒漏与错送', '问题 | 处理方式\n饮品洒漏 | 拍照联系客服，全额退款或重做\n送错饮品 | 免费补送正确的饮品'],
    ]);
    expect(parsed.entries[0]!.position).toEqual({ headingPath: ['外卖配送说明'] });
  });

  it('applies chunk limits given as options', async () => {
    const parsed = await parseKnowledgeFile({ fileName: 'store-policy.md', content: fixture('store-policy.md') }, { chunkLimits: { targetChars: 30, maxChars: 60 } });
    const prices = parsed.entries.filter((entry) => entry.question.endsWith('饮品价格'));
    expect(prices.length).toBeGreaterThan(1);
    for (const entry of parsed.entries) expect([...entry.answer].length).toBeLessThanOrEqual(60);
  });
});

describe('parseKnowledgeFile: tables', () => {
  it('reads an XLSX FAQ table by Chinese headers and reports bad rows by spreadsheet row', async () => {
    const content = await workbook([
      ['编号', '标准问题', '相似问题', '答案', '分类'],
      ['hours', '几点开门', '营业时间｜几点营业', '每天 10:00–22:00。', '门店'],
      [],
      ['', '没有编号', '', '有答案'],
      ['wifi', '有WiFi吗', '', ''],
      ['hours', '重复', '', '重复的答案'],
      ['invoice', '怎么开发票', '', { richText: [{ text: '在小程序' }, { text: '订单页开票。' }] }],
    ]);
    const parsed = await parse('faq.xlsx', content);
    expect(parsed.format).toBe('xlsx');
    expect(parsed.entries).toEqual([
      { id: 'hours', kind: 'faq', question: '几点开门', variants: ['营业时间', '几点营业'], answer: '每天 10:00–22:00。', category: '门店', sourceName: 'faq.xlsx', line: 2 },
      { id: 'invoice', kind: 'faq', question: '怎么开发票', variants: [], answer: '在小程序订单页开票。', sourceName: 'faq.xlsx', line: 7 },
    ]);
    expect(parsed.problems).toEqual([
      { line: 4, reason: 'missing id' },
      { line: 5, reason: 'missing answer' },
      { line: 6, reason: 'duplicate id "hours" (first on line 2)' },
    ]);
  });

  it('finds the XLSX header below a title row', async () => {
    const parsed = await parse('faq.xlsx', await workbook([['茶语时光常见问题'], [], ['问题', '答案'], ['在哪', '湖滨路 1 号。']]));
    expect(parsed.entries).toMatchObject([{ id: '1', question: '在哪', answer: '湖滨路 1 号。', line: 4 }]);
    expect(parsed.problems).toEqual([]);
  });

  it('reads the XLSX sheet named in the options, and says which sheets exist when it is missing', async () => {
    const content = await workbook([['question', 'answer'], ['在哪', '湖滨路 1 号。']], '常见问题');
    const parsed = await parseKnowledgeFile({ fileName: 'faq.xlsx', content }, { sheet: '常见问题' });
    expect(parsed.entries.map((entry) => entry.answer)).toEqual(['湖滨路 1 号。']);
    await expect(parseKnowledgeFile({ fileName: 'faq.xlsx', content }, { sheet: 'Sheet9' })).rejects.toThrow('no worksheet named "Sheet9" (the workbook has: 常见问题, 说明)');
  });

  it('reads CSV saved in GB18030 (Chinese Excel) as well as UTF-8', async () => {
    const gbk = new Uint8Array([...new TextEncoder().encode('question,answer\n'), 0xc4, 0xe3, 0xba, 0xc3, 0x2c, 0xd4, 0xda, 0x0a]);
    const parsed = await parse('faq.csv', gbk);
    expect(parsed.entries.map((entry) => [entry.question, entry.answer])).toEqual([['你好', '在']]);
  });

  it('reads TSV saved by Excel as "Unicode text" (UTF-16 with a BOM)', async () => {
    const text = 'question\tanswer\n几点开门\t10点。\n';
    const utf16 = new Uint8Array([0xff, 0xfe, ...new Uint8Array(new Uint16Array([...text].map((character) => character.charCodeAt(0))).buffer)]);
    expect((await parse('faq.txt', utf16, 'tsv')).entries.map((entry) => entry.answer)).toEqual(['10点。']);
  });

  it('returns the problems of a table whose every row is bad, for the caller to refuse', async () => {
    const parsed = await parse('faq.tsv', 'id\tquestion\tanswer\na\t几点开门\t\n');
    expect(parsed).toEqual({ format: 'tsv', entries: [], problems: [{ line: 2, reason: 'missing answer' }] });
  });
});

describe('parseKnowledgeFile: unusable files', () => {
  const refusal = async (fileName: string, content: Uint8Array | string) => {
    const error = await parse(fileName, content).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(KnowledgeFileError);
    expect(error).toMatchObject({ code: 'bad_knowledge_file' });
    return (error as Error).message;
  };

  it('refuses a truncated PDF, a garbage DOCX and a garbage XLSX with a message, not a library crash', async () => {
    expect(await refusal('guide.pdf', fixture('allergen-guide.pdf').slice(0, 4000))).toMatch(/not a readable PDF/);
    expect(await refusal('policy.docx', 'this is not a zip file')).toMatch(/not a readable Word document/);
    expect(await refusal('policy.docx', fixture('allergen-guide.pdf'))).toMatch(/not a readable Word document/);
    expect(await refusal('faq.xlsx', fixture('delivery-policy.docx'))).toMatch(/not a readable Excel workbook|no worksheet/);
    expect(await refusal('faq.xlsx', 'garbage')).toMatch(/not a readable Excel workbook/);
  });

  it('refuses unknown extensions, empty documents and tables without an answer column', async () => {
    expect(await refusal('policy.doc', 'x')).toMatch(/^a Word 97–2003 document \(\.doc\) is not read; save it as \.docx/);
    expect(await refusal('常见问题.XLS', 'x')).toMatch(/^an Excel 97–2003 workbook \(\.xls\) is not read; save it as \.xlsx .*\(supported: .*\.xlsx/);
    expect(await refusal('README', 'x')).toMatch(/unsupported file type "\(none\)"/);
    expect(await refusal('empty.md', '# 只有标题\n\n<!-- 空 -->\n')).toBe('no text found');
    expect(await refusal('faq.tsv', 'foo\tbar\n1\t2\n')).toMatch(/no answer column/);
    expect(await refusal('faq.csv', 'question,answer\n')).toBe('the table has no rows');
    expect(await refusal('notes.txt', new Uint8Array([0xfd, 0xff, 0x80, 0xff]))).toMatch(/not text in UTF-8, UTF-16 or GB18030/);
  });

  it('honours an explicit format over the extension', async () => {
    const parsed = await parse('notes.txt', '# 标题\n\n正文。\n', 'markdown');
    expect(outline(parsed)).toEqual([['标题', '正文。']]);
  });
});
