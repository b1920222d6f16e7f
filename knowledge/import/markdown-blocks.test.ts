import { describe, expect, it } from 'vitest';
import { markdownBlocks, plainInline } from './markdown-blocks.ts';

describe('markdownBlocks', () => {
  it('reads headings (ATX and setext), paragraphs, lists, tables, quotes and code with their lines', () => {
    const markdown = [
      '---', 'title: 门店', '---', // 1-3 front matter
      '# 门店服务 #', '', // 4
      '欢迎光临**茶语时光**，', '详见[官网](https://example.com)。', '', // 6-7
      '营业时间', '----', '', // 9-10 setext h2
      '- 珍珠', '- 椰果', '  - 小椰果', '  加量不加价', '- 芋圆', '', // 12-16
      '1. 下单', '2) 付款', '', // 18-19
      '| 饮品 | 价格 |', '|:--|--:|', '| 珍珠奶茶 | 12 元 |', '| 杨枝甘露 \\| 新品 | 16 元 |', '', // 21-24
      '> 温馨提示', '> 请勿插队', '', // 26-27
      '```', '# 不是标题', '- 不是列表', '```', '', // 29-32
      '<!-- 内部备注', '不要导入 -->', '***', '结尾', // 34-37
    ].join('\n');
    expect(markdownBlocks(markdown)).toEqual([
      { type: 'heading', level: 1, text: '门店服务', span: { lineStart: 4, lineEnd: 4 } },
      { type: 'paragraph', text: '欢迎光临茶语时光，\n详见官网 (https://example.com)。', span: { lineStart: 6, lineEnd: 7 } },
      { type: 'heading', level: 2, text: '营业时间', span: { lineStart: 9, lineEnd: 10 } },
      { type: 'list', items: ['- 珍珠', '- 椰果\n  - 小椰果\n  加量不加价', '- 芋圆'], span: { lineStart: 12, lineEnd: 16 } },
      { type: 'list', items: ['1. 下单', '2. 付款'], span: { lineStart: 18, lineEnd: 19 } },
      { type: 'table', header: ['饮品', '价格'], rows: [['珍珠奶茶', '12 元'], ['杨枝甘露 | 新品', '16 元']], span: { lineStart: 21, lineEnd: 24 } },
      { type: 'paragraph', text: '温馨提示\n请勿插队', span: { lineStart: 26, lineEnd: 27 } },
      { type: 'code', text: '# 不是标题\n- 不是列表', span: { lineStart: 29, lineEnd: 32 } },
      { type: 'paragraph', text: '结尾', span: { lineStart: 37, lineEnd: 37 } },
    ]);
  });

  it('keeps a loose list (blank lines between items) as one list and ends it at an unindented paragraph', () => {
    const blocks = markdownBlocks('- 第一条\n\n- 第二条\n\n  第二条的补充\n\n下一段\n');
    expect(blocks).toEqual([
      { type: 'list', items: ['- 第一条', '- 第二条\n  第二条的补充'], span: { lineStart: 1, lineEnd: 5 } },
      { type: 'paragraph', text: '下一段', span: { lineStart: 7, lineEnd: 7 } },
    ]);
  });

  it('lets only a list from 1 (or a bullet) interrupt a paragraph', () => {
    expect(markdownBlocks('年度回顾：\n2024. 开了十家店\n- 新品三款\n').map((block) => block.type)).toEqual(['paragraph', 'list']);
  });

  it('does not take #话题 without a space for a heading (CommonMark)', () => {
    expect(markdownBlocks('#新品上市#\n')).toEqual([{ type: 'paragraph', text: '#新品上市#', span: { lineStart: 1, lineEnd: 1 } }]);
  });
});

describe('plainInline', () => {
  it('reduces inline markup to text', () => {
    expect(plainInline('**加粗** *斜体* `代码` ~~删除~~ ![图](a.png) [链接](#anchor) <b>标签</b> 1\\*2 <https://a.cn>')).toBe(
      '加粗 斜体 代码 删除 图 链接 标签 1*2 https://a.cn',
    );
  });
});
