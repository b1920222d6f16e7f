/**
 * A Markdown block scanner (CommonMark block structure + GFM tables) producing document blocks
 * with their line ranges. No Markdown parser is a dependency of Kefu (only transitive ones are
 * installed), and chunking needs only the block level — headings, paragraphs, lists, tables,
 * fenced code, quotes — so this small scanner is written by hand; inline markup is reduced to
 * plain text. Not covered: indented code blocks (read as paragraphs), link reference definitions,
 * HTML blocks other than comments (their tags are stripped).
 */
import { tidyText, type DocumentBlock } from './document-block.ts';

const atxHeading = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const fenceOpen = /^( {0,3})(`{3,}|~{3,})/;
const thematicBreak = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const listItem = /^( *)([-*+]|\d{1,9}[.)])(?:([ \t]+)(.*))?$/;
const blockquote = /^ {0,3}> ?/;
const tableDelimiter = /^ *\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$/;
const setextUnderline = /^ {0,3}(=+|-+)[ \t]*$/;

/** Read Markdown text into blocks; lines are 1-based. */
export function markdownBlocks(source: string): DocumentBlock[] {
  const lines = source.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
  const blocks: DocumentBlock[] = [];
  let index = skipFrontMatter(lines);
  while (index < lines.length) {
    const line = lines[index] as string;
    const start = index + 1;
    if (line.trim() === '') {
      index++;
    } else if (line.trimStart().startsWith('<!--')) {
      while (index < lines.length && !(lines[index] as string).includes('-->')) index++;
      index++;
    } else if (fenceOpen.test(line)) {
      const [, , fence] = fenceOpen.exec(line) as RegExpExecArray;
      const body: string[] = [];
      index++;
      const close = new RegExp(`^ {0,3}${fence![0] === '`' ? '`' : '~'}{${fence!.length},}[ \\t]*$`);
      while (index < lines.length && !close.test(lines[index] as string)) body.push(lines[index++] as string);
      index++;
      const text = body.join('\n').replace(/\s+$/, '');
      if (text) blocks.push({ type: 'code', text, span: { lineStart: start, lineEnd: Math.min(index, lines.length) } });
    } else if (atxHeading.test(line)) {
      const [, hashes, text] = atxHeading.exec(line) as RegExpExecArray;
      const heading = plainInline(text ?? '');
      if (heading) blocks.push({ type: 'heading', level: hashes!.length, text: heading, span: { lineStart: start, lineEnd: start } });
      index++;
    } else if (thematicBreak.test(line)) {
      index++;
    } else if (isTableStart(lines, index)) {
      const header = tableCells(line);
      const rows: string[][] = [];
      index += 2;
      while (index < lines.length && (lines[index] as string).includes('|') && (lines[index] as string).trim() !== '') {
        rows.push(tableCells(lines[index++] as string));
      }
      blocks.push({ type: 'table', header, rows, span: { lineStart: start, lineEnd: index } });
    } else if (listItem.test(line)) {
      index = readList(lines, index, blocks);
    } else if (blockquote.test(line)) {
      const body: string[] = [];
      while (index < lines.length && (lines[index] as string).trim() !== '' && !startsOtherBlock(lines, index, true)) {
        body.push((lines[index++] as string).replace(blockquote, ''));
      }
      pushParagraph(blocks, body, start, index);
    } else {
      const body: string[] = [line];
      index++;
      let heading: number | undefined;
      while (index < lines.length && (lines[index] as string).trim() !== '') {
        const next = lines[index] as string;
        const underline = setextUnderline.exec(next);
        if (underline) {
          heading = underline[1]![0] === '=' ? 1 : 2;
          index++;
          break;
        }
        if (startsOtherBlock(lines, index, false)) break;
        body.push(next);
        index++;
      }
      if (heading) {
        const text = plainInline(body.join(' '));
        if (text) blocks.push({ type: 'heading', level: heading, text, span: { lineStart: start, lineEnd: index } });
      } else pushParagraph(blocks, body, start, index);
    }
  }
  return blocks;
}

/** Reduce inline Markdown to plain text: emphasis, code spans, links (text and address), images (alt), tags, escapes. */
export function plainInline(text: string): string {
  return tidyText(
    text
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\((\S+?)(?:\s+"[^"]*")?\)/g, (_match, label: string, url: string) =>
        url.startsWith('#') || label === url ? label : `${label} (${url})`,
      )
      .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/?[a-zA-Z][^>]*>/g, '')
      .replace(/(`+)(.+?)\1/g, '$2')
      .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
      .replace(/\*(?=\S)([^*]+?)(?<=\S)\*/g, '$1')
      .replace(/~~(.+?)~~/g, '$1')
      .replace(/\\([!-/:-@[-`{-~])/g, '$1'),
  );
}

function skipFrontMatter(lines: string[]): number {
  if (lines[0]?.trim() !== '---') return 0;
  const end = lines.findIndex((line, index) => index > 0 && (line.trim() === '---' || line.trim() === '...'));
  return end > 0 ? end + 1 : 0;
}

function isTableStart(lines: string[], index: number): boolean {
  const line = lines[index] as string;
  const next = lines[index + 1];
  return line.includes('|') && next !== undefined && next.includes('-') && tableDelimiter.test(next) && (next.includes('|') || line.trim().startsWith('|'));
}

function tableCells(line: string): string[] {
  const trimmed = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return trimmed.split(/(?<!\\)\|/).map((cell) => plainInline(cell.replace(/\\\|/g, '|')));
}

/**
 * Whether line `index` begins a block that interrupts a paragraph (or a quote). As in CommonMark,
 * a list interrupts a paragraph only with a non-empty item, and a numbered one only from 1, so
 * "2024. 年度总结" inside a paragraph stays text.
 */
function startsOtherBlock(lines: string[], index: number, inQuote: boolean): boolean {
  const line = lines[index] as string;
  if (!inQuote && blockquote.test(line)) return true;
  const item = listItem.exec(line);
  const interruptingItem = item !== null && Boolean(item[4]?.trim()) && (!/\d/.test(item[2] as string) || parseInt(item[2] as string, 10) === 1);
  return atxHeading.test(line) || fenceOpen.test(line) || thematicBreak.test(line) || interruptingItem || isTableStart(lines, index);
}

function pushParagraph(blocks: DocumentBlock[], body: string[], lineStart: number, lineEnd: number): void {
  const text = plainInline(body.join('\n'));
  if (text) blocks.push({ type: 'paragraph', text, span: { lineStart, lineEnd } });
}

/**
 * A list from line `index`: top-level items with their continuation lines and nested items
 * (indented at least to the item's content). A blank line ends the list unless the next
 * non-blank line is another item or indented into the current one. Returns the next line index.
 */
function readList(lines: string[], index: number, blocks: DocumentBlock[]): number {
  const start = index + 1;
  const items: string[] = [];
  let contentOffset = 0;
  let ordered: boolean | undefined;
  let lastContentLine = index;
  let blankBefore = false;
  while (index < lines.length) {
    const line = lines[index] as string;
    if (line.trim() === '') {
      blankBefore = true;
      index++;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    const item = listItem.exec(line);
    if (item && !thematicBreak.test(line) && (items.length === 0 || indent < contentOffset)) {
      const marker = item[2] as string;
      // A different marker kind (bullet vs number) starts a new list, as in CommonMark.
      if (ordered !== undefined && ordered !== /\d/.test(marker)) break;
      ordered = /\d/.test(marker);
      const text = item[4] ?? '';
      const spaces = item[3]?.length ?? 1;
      contentOffset = indent + marker.length + (spaces > 4 ? 1 : spaces);
      items.push(`${/\d/.test(marker) ? marker.replace(')', '.') : '-'} ${plainInline(text)}`.trimEnd());
    } else if (indent >= contentOffset && items.length > 0) {
      const nested = line.slice(contentOffset).trimEnd();
      const nestedItem = listItem.exec(nested);
      const rendered = nestedItem ? `${/\d/.test(nestedItem[2] as string) ? nestedItem[2] : '-'} ${plainInline(nestedItem[4] ?? '')}` : plainInline(nested);
      items[items.length - 1] += `\n  ${(nested.match(/^ */)?.[0] ?? '')}${rendered}`;
    } else if (!blankBefore && !startsOtherBlock(lines, index, false)) {
      items[items.length - 1] += `\n  ${plainInline(line)}`;
    } else break;
    blankBefore = false;
    lastContentLine = index;
    index++;
  }
  blocks.push({ type: 'list', items, span: { lineStart: start, lineEnd: lastContentLine + 1 } });
  return lastContentLine + 1;
}
