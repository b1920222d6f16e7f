/**
 * HTML (a page, or the HTML mammoth makes of a DOCX) into document blocks: `h1`–`h6` are headings,
 * `ul`/`ol` lists (nested lists inside their item), `table` tables (a `thead` row or a row of
 * `th` cells is the header), `pre` code, and the text of other block elements paragraphs.
 * Navigation, scripts, styles, forms and images are left out.
 */
import { renderTableRow, tidyText, type BlockSpan, type DocumentBlock } from './document-block.ts';
import { parseHtml, type HtmlElement, type HtmlNode } from './html-tree.ts';

export interface HtmlBlocksOptions {
  /** Record source lines on blocks (true for HTML files, false for converted DOCX). Default true. */
  lines?: boolean;
}

const skipped = new Set(['head', 'script', 'style', 'noscript', 'template', 'svg', 'nav', 'title', 'textarea', 'select', 'button', 'iframe', 'object', 'canvas', 'img']);
const blockElements = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'center', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset', 'figcaption',
  'figure', 'footer', 'form', 'header', 'hr', 'html', 'li', 'main', 'p', 'section', 'summary',
]);

/** Read HTML into blocks. */
export function htmlBlocks(source: string, options: HtmlBlocksOptions = {}): DocumentBlock[] {
  const keepLines = options.lines ?? true;
  const blocks: DocumentBlock[] = [];
  const spanOf = (lineStart: number, lineEnd: number): BlockSpan => (keepLines ? { lineStart, lineEnd } : {});
  let inline: { parts: string[]; lineStart: number; lineEnd: number } | undefined;
  const flush = () => {
    if (!inline) return;
    const text = tidyText(inline.parts.join(''));
    if (text) blocks.push({ type: 'paragraph', text, span: spanOf(inline.lineStart, inline.lineEnd) });
    inline = undefined;
  };
  const walk = (node: HtmlNode): void => {
    if (node.type === 'text') {
      const text = collapse(node.text);
      if (text.trim() === '' && !inline) return;
      inline ??= { parts: [], lineStart: node.line, lineEnd: node.line };
      inline.parts.push(text);
      inline.lineEnd = node.line + (node.text.match(/\n/g)?.length ?? 0);
      return;
    }
    const { name } = node;
    if (skipped.has(name)) return;
    if (/^h[1-6]$/.test(name)) {
      flush();
      const text = inlineText(node);
      if (text) blocks.push({ type: 'heading', level: Number(name[1]), text, span: spanOf(node.line, node.endLine) });
    } else if (name === 'ul' || name === 'ol') {
      flush();
      const items = listItems(node, 0);
      if (items.length > 0) blocks.push({ type: 'list', items, span: spanOf(node.line, node.endLine) });
    } else if (name === 'table') {
      flush();
      const table = tableOf(node);
      if (table.rows.length > 0 || table.header) blocks.push({ type: 'table', ...table, span: spanOf(node.line, node.endLine) });
    } else if (name === 'pre') {
      flush();
      const text = rawText(node).replace(/^\n/, '').trimEnd();
      if (text) blocks.push({ type: 'code', text, span: spanOf(node.line, node.endLine) });
    } else if (name === 'br') {
      if (inline) inline.parts.push('\n');
    } else if (blockElements.has(name)) {
      flush();
      node.children.forEach(walk);
      flush();
    } else node.children.forEach(walk);
  };
  walk(parseHtml(source));
  flush();
  return blocks;
}

function collapse(text: string): string {
  return text.replace(/[ \t\n\r\f]+/g, ' ');
}

/** The text of an element as one block: `br` and inner block boundaries become line breaks. */
function inlineText(element: HtmlElement, exclude: ReadonlySet<string> = new Set()): string {
  const parts: string[] = [];
  const walk = (node: HtmlNode): void => {
    if (node.type === 'text') parts.push(collapse(node.text));
    else if (skipped.has(node.name) || exclude.has(node.name)) return;
    else if (node.name === 'br') parts.push('\n');
    else {
      const block = blockElements.has(node.name) || /^h[1-6]$/.test(node.name);
      if (block) parts.push('\n');
      node.children.forEach(walk);
      if (block) parts.push('\n');
    }
  };
  element.children.forEach(walk);
  return tidyText(parts.join('')).replace(/\n+/g, '\n');
}

function rawText(element: HtmlElement): string {
  return element.children.map((node) => (node.type === 'text' ? node.text : node.name === 'br' ? '\n' : rawText(node))).join('');
}

const nestedLists = new Set(['ul', 'ol']);

/** The items of a list, each with its marker; nested lists are indented inside their item. */
function listItems(list: HtmlElement, depth: number): string[] {
  const indent = '  '.repeat(depth);
  let number = 0;
  const items: string[] = [];
  for (const child of list.children) {
    if (child.type !== 'element' || child.name !== 'li') continue;
    number++;
    const marker = list.name === 'ol' ? `${number}.` : '-';
    const text = inlineText(child, nestedLists).replace(/\n/g, `\n${indent}  `);
    const nested = findAll(child, (element) => nestedLists.has(element.name), nestedLists).flatMap((sub) => listItems(sub, depth + 1));
    items.push([`${indent}${marker} ${text}`.trimEnd(), ...nested].join('\n'));
  }
  return items;
}

function tableOf(table: HtmlElement): { header?: string[]; rows: string[][] } {
  const rows = findAll(table, (element) => element.name === 'tr', new Set(['table', 'tr']));
  const cells = (row: HtmlElement) => row.children.filter((cell): cell is HtmlElement => cell.type === 'element' && (cell.name === 'td' || cell.name === 'th'));
  const texts = rows.map((row) => cells(row).map((cell) => renderTableRow([inlineText(cell)])));
  const first = rows[0];
  const headed = first !== undefined && (inAncestor(table, first, 'thead') || (cells(first).length > 0 && cells(first).every((cell) => cell.name === 'th')));
  return headed ? { header: texts[0], rows: texts.slice(1) } : { rows: texts };
}

/** Descendants matching `match`, not descending into matches or into elements named in `stop`. */
function findAll(element: HtmlElement, match: (element: HtmlElement) => boolean, stop: ReadonlySet<string>): HtmlElement[] {
  const found: HtmlElement[] = [];
  for (const child of element.children) {
    if (child.type !== 'element') continue;
    if (match(child)) found.push(child);
    else if (!stop.has(child.name)) found.push(...findAll(child, match, stop));
  }
  return found;
}

function inAncestor(root: HtmlElement, target: HtmlElement, name: string): boolean {
  const path = (element: HtmlElement, trail: HtmlElement[]): HtmlElement[] | undefined => {
    if (element === target) return trail;
    for (const child of element.children) {
      if (child.type !== 'element') continue;
      const found = path(child, [...trail, element]);
      if (found) return found;
    }
    return undefined;
  };
  return (path(root, []) ?? []).some((element) => element.name === name);
}
