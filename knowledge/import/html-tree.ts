/**
 * A small, forgiving HTML reader: tokenises markup and builds an element tree the way browsers
 * recover from common sloppiness — void elements, unclosed `<p>`, `<li>`, `<td>`, `<tr>`, stray end
 * tags — enough to find a page's headings, paragraphs, lists and tables. No HTML parser is a
 * direct dependency of Kefu (parse5 and htmlparser2 are not installed; fast-xml-parser rejects
 * HTML that is not XML). Script, style and template contents are skipped; entities decoded.
 */

/** An element with its children and the 1-based source line of its start tag. */
export interface HtmlElement {
  type: 'element';
  name: string;
  children: HtmlNode[];
  line: number;
  /** Line of the last character read inside it. */
  endLine: number;
}

/** A run of text (entities decoded, whitespace as in the source). */
export interface HtmlText {
  type: 'text';
  text: string;
  line: number;
}

export type HtmlNode = HtmlElement | HtmlText;

const voidElements = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const rawTextElements = new Set(['script', 'style', 'textarea', 'title', 'template', 'noscript', 'xmp']);
/** Elements whose start closes an open `<p>` (HTML's "close a p element"). */
const closesParagraph = new Set([
  'address', 'article', 'aside', 'blockquote', 'div', 'dl', 'fieldset', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4',
  'h5', 'h6', 'header', 'hr', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'ul',
]);
/**
 * Start tags that close the nearest open element named in `closes` (with everything opened inside
 * it), unless a `boundary` element is nearer: a new `<tr>` closes the open row and its cell.
 */
const impliedEnds: Record<string, { closes: readonly string[]; boundary: readonly string[] }> = {
  li: { closes: ['li'], boundary: ['ul', 'ol'] },
  dt: { closes: ['dt', 'dd'], boundary: ['dl'] },
  dd: { closes: ['dt', 'dd'], boundary: ['dl'] },
  td: { closes: ['td', 'th'], boundary: ['tr', 'table'] },
  th: { closes: ['td', 'th'], boundary: ['tr', 'table'] },
  tr: { closes: ['tr'], boundary: ['table', 'thead', 'tbody', 'tfoot'] },
  thead: { closes: ['thead', 'tbody', 'tfoot'], boundary: ['table'] },
  tbody: { closes: ['thead', 'tbody', 'tfoot'], boundary: ['table'] },
  tfoot: { closes: ['thead', 'tbody', 'tfoot'], boundary: ['table'] },
  option: { closes: ['option'], boundary: ['select'] },
};
const namedEntities: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ensp: ' ', emsp: ' ', thinsp: ' ', ndash: '–', mdash: '—',
  hellip: '…', ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', middot: '·', bull: '•', copy: '©', reg: '®', trade: '™',
  times: '×', divide: '÷', yen: '¥', deg: '°', plusmn: '±', laquo: '«', raquo: '»', le: '≤', ge: '≥', rarr: '→', larr: '←',
};

/** Decode character references (named ones in common use, decimal, hexadecimal). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});?/g, (match, reference: string) => {
    if (reference[0] === '#') {
      const code = reference[1] === 'x' || reference[1] === 'X' ? parseInt(reference.slice(2), 16) : parseInt(reference.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
    }
    return namedEntities[reference.toLowerCase()] ?? match;
  });
}

/** Parse an HTML document or fragment into a tree under a synthetic `#root` element. */
export function parseHtml(source: string): HtmlElement {
  const root: HtmlElement = { type: 'element', name: '#root', children: [], line: 1, endLine: 1 };
  const stack: HtmlElement[] = [root];
  let line = 1;
  let position = 0;
  const advanceTo = (end: number) => {
    for (let index = position; index < end; index++) if (source.charCodeAt(index) === 10) line++;
    position = end;
  };
  const current = () => stack[stack.length - 1] as HtmlElement;
  const close = (index: number) => {
    for (const element of stack.splice(index)) element.endLine = line;
  };
  while (position < source.length) {
    const tagStart = source.indexOf('<', position);
    if (tagStart < 0 || tagStart > position) {
      const end = tagStart < 0 ? source.length : tagStart;
      const text = decodeEntities(source.slice(position, end));
      current().children.push({ type: 'text', text, line });
      advanceTo(end);
      continue;
    }
    if (source.startsWith('<!--', position)) {
      const end = source.indexOf('-->', position + 4);
      advanceTo(end < 0 ? source.length : end + 3);
      continue;
    }
    const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/.exec(source.slice(position, position + 4096));
    if (!tag) {
      if (/^<[!?]/.test(source.slice(position, position + 2))) {
        const end = source.indexOf('>', position);
        advanceTo(end < 0 ? source.length : end + 1);
      } else {
        // A lone "<" (as in "<10元") is text.
        current().children.push({ type: 'text', text: '<', line });
        advanceTo(position + 1);
      }
      continue;
    }
    const tagLine = line;
    advanceTo(position + tag[0].length);
    const name = (tag[2] as string).toLowerCase();
    if (tag[1]) {
      const open = stack.findLastIndex((element) => element.name === name);
      if (open > 0) close(open);
      else if (name === 'br' || name === 'p') current().children.push({ type: 'element', name, children: [], line: tagLine, endLine: tagLine });
      continue;
    }
    if (closesParagraph.has(name)) {
      const paragraph = stack.findLastIndex((element) => element.name === 'p');
      if (paragraph > 0 && !stack.slice(paragraph).some((element) => element.name === 'table' || element.name === 'li')) close(paragraph);
    }
    const implied = impliedEnds[name];
    if (implied) {
      for (let index = stack.length - 1; index > 0; index--) {
        const open = (stack[index] as HtmlElement).name;
        if (implied.boundary.includes(open)) break;
        if (implied.closes.includes(open)) {
          close(index);
          break;
        }
      }
    }
    const element: HtmlElement = { type: 'element', name, children: [], line: tagLine, endLine: tagLine };
    current().children.push(element);
    if (rawTextElements.has(name)) {
      const closing = new RegExp(`</${name}`, 'ig');
      closing.lastIndex = position;
      const stop = closing.exec(source)?.index ?? source.length;
      if (name === 'textarea' || name === 'title') element.children.push({ type: 'text', text: decodeEntities(source.slice(position, stop)), line });
      advanceTo(stop);
      const tagEnd = source.indexOf('>', stop);
      advanceTo(tagEnd < 0 ? source.length : tagEnd + 1);
      element.endLine = line;
    } else if (!voidElements.has(name) && !tag[3]?.trimEnd().endsWith('/')) stack.push(element);
  }
  close(1);
  root.endLine = line;
  return root;
}
