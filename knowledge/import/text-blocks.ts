/**
 * Blocks from text that carries no markup: plain-text files and the lines pdf.js reads off a PDF
 * page. Blank lines (or, in a PDF, a wide vertical gap) separate paragraphs; lines that start
 * with a bullet or a number (`-`, `•`, `1.`, `1、`, `（1）`) form a list, continuation lines
 * joining their item. Headings come from the source when it knows them (a PDF's larger font) or
 * from Chinese outline numbering on a short line without closing punctuation: `第一章`, `一、`,
 * `（一）` — each numbering style gets the next level the first time it appears, as in a Word outline.
 */
import { tidyText, type BlockSpan, type DocumentBlock } from './document-block.ts';

/** One line of a text source. `headingLevel` when the source knows the line is a heading. */
export interface SourceLine {
  text: string;
  /** 1-based line in the file (plain text). */
  line?: number;
  /** 1-based page (PDF). */
  page?: number;
  headingLevel?: number;
  /** A paragraph break precedes this line although no blank line does (a PDF's vertical gap). */
  breakBefore?: boolean;
}

const bullet = /^(?:[-*•·●▪◆■]|\d{1,3}[.、)）]|[（(]\d{1,3}[)）])\s*/;
const outlineStyles: ReadonlyArray<readonly [string, RegExp]> = [
  ['chapter', /^第[一二三四五六七八九十百零〇\d]+[章部篇]/],
  ['section', /^第[一二三四五六七八九十百零〇\d]+[节条]/],
  ['chinese-number', /^[一二三四五六七八九十]+[、．.]\s*\S/],
  ['bracketed-chinese-number', /^[（(][一二三四五六七八九十]+[）)]\s*\S/],
];
/** A heading is short and does not end like a sentence. */
const MAX_HEADING_LENGTH = 40;
const sentenceEnd = /[。！？；，：,.!?;:]$/;

/**
 * Plain text (a `.txt` file) into blocks. A first line that looks like a title (short, no closing
 * punctuation, a blank line after it) is the document's outermost heading, as `#` is in Markdown.
 */
export function textBlocks(text: string): DocumentBlock[] {
  const lines = text
    .replace(/^\ufeff/, '')
    .split(/\r\n|\n|\r/)
    .map((line, index): SourceLine => ({ text: line, line: index + 1 }));
  const first = lines.findIndex((line) => line.text.trim() !== '');
  const title = lines[first];
  if (title && isTitle(title.text.trim()) && (lines[first + 1]?.text.trim() ?? '') === '') title.headingLevel = 0;
  return blocksFromLines(lines);
}

function isTitle(text: string): boolean {
  return text.length <= MAX_HEADING_LENGTH && !sentenceEnd.test(text) && !bullet.test(text);
}

/** Lines into blocks (see the module comment for the rules). */
export function blocksFromLines(lines: readonly SourceLine[]): DocumentBlock[] {
  const blocks: DocumentBlock[] = [];
  const outlineLevels = new Map<string, number>();
  let paragraph: SourceLine[] = [];
  let list: { items: string[]; lines: SourceLine[] } | undefined;
  const flush = () => {
    if (paragraph.length > 0) {
      const text = tidyText(paragraph.map((line) => line.text).join('\n'));
      if (text) blocks.push({ type: 'paragraph', text, span: spanOf(paragraph) });
      paragraph = [];
    }
    if (list) {
      blocks.push({ type: 'list', items: list.items.map(tidyText), span: spanOf(list.lines) });
      list = undefined;
    }
  };
  for (const line of lines) {
    const text = line.text.trim();
    if (text === '') {
      flush();
      continue;
    }
    if (line.breakBefore) flush();
    const level = line.headingLevel ?? outlineLevel(text, outlineLevels);
    if (level !== undefined) {
      flush();
      blocks.push({ type: 'heading', level, text: tidyText(text), span: spanOf([line]) });
    } else if (bullet.test(text)) {
      if (paragraph.length > 0) flush();
      list ??= { items: [], lines: [] };
      list.items.push(text);
      list.lines.push(line);
    } else if (list) {
      // A line after an item continues it, as wrapped text does in a PDF or a hard-wrapped file.
      list.items[list.items.length - 1] += `\n${text}`;
      list.lines.push(line);
    } else paragraph.push(line);
  }
  flush();
  return blocks;
}

function outlineLevel(text: string, levels: Map<string, number>): number | undefined {
  if (text.length > MAX_HEADING_LENGTH || sentenceEnd.test(text)) return undefined;
  const style = outlineStyles.find(([, pattern]) => pattern.test(text))?.[0];
  if (style === undefined) return undefined;
  if (!levels.has(style)) levels.set(style, levels.size + 1);
  return levels.get(style);
}

function spanOf(lines: readonly SourceLine[]): BlockSpan {
  const span: BlockSpan = {};
  const numbers = lines.flatMap((line) => (line.line === undefined ? [] : [line.line]));
  const pages = lines.flatMap((line) => (line.page === undefined ? [] : [line.page]));
  if (numbers.length > 0) Object.assign(span, { lineStart: Math.min(...numbers), lineEnd: Math.max(...numbers) });
  if (pages.length > 0) {
    span.page = Math.min(...pages);
    if (Math.max(...pages) !== span.page) span.pageEnd = Math.max(...pages);
  }
  return span;
}
