import { describe, expect, it } from 'vitest';
import { htmlBlocks } from './html-blocks.ts';
import { decodeEntities } from './html-tree.ts';

describe('htmlBlocks (forgiving HTML)', () => {
  it('recovers unclosed paragraphs, items and cells the way browsers do', () => {
    const html = '<p>第一段<p>第二段<ul><li>甲<li>乙</ul><table><tr><td>A<td>B<tr><td>C<td>D</table>';
    expect(htmlBlocks(html).map(({ span: _span, ...block }) => block)).toEqual([
      { type: 'paragraph', text: '第一段' },
      { type: 'paragraph', text: '第二段' },
      { type: 'list', items: ['- 甲', '- 乙'] },
      { type: 'table', rows: [['A', 'B'], ['C', 'D']] },
    ]);
  });

  it('skips scripts, styles, navigation and comments, and keeps a lone "<" as text', () => {
    const html = '<nav>首页</nav><style>p { color: red }</style><script>if (a < b) document.write("<h1>x</h1>")</script><!-- <h2>注释</h2> --><p>满 30 元 <不是标签 包邮</p>';
    expect(htmlBlocks(html).map((block) => block.type === 'paragraph' && block.text)).toEqual(['满 30 元 <不是标签 包邮']);
  });

  it('records the source lines of blocks unless told not to', () => {
    const html = '<h1>标题</h1>\n<p>一\n二</p>\n<ol>\n<li>甲</li>\n</ol>';
    expect(htmlBlocks(html).map((block) => block.span)).toEqual([
      { lineStart: 1, lineEnd: 1 },
      { lineStart: 2, lineEnd: 3 },
      { lineStart: 4, lineEnd: 6 },
    ]);
    expect(htmlBlocks(html, { lines: false }).map((block) => block.span)).toEqual([{}, {}, {}]);
  });
});

describe('decodeEntities', () => {
  it('decodes named, decimal and hexadecimal references and leaves unknown ones', () => {
    expect(decodeEntities('&lt;&amp;&gt; &#20320;&#x597D; &yen;5 &unknown; AT&T')).toBe('<&> 你好 ¥5 &unknown; AT&T');
  });
});
