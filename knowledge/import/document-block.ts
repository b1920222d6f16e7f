/**
 * The intermediate form of every document format: a flat sequence of blocks (headings,
 * paragraphs, lists, tables, code) with where each came from. Readers (`markdown-blocks.ts`,
 * `html-blocks.ts`, `text-blocks.ts`, `pdf-blocks.ts`) produce it; `chunk-document.ts` turns it
 * into chunks. Text in blocks is plain (markup removed), ready to show to a customer.
 */

/** Where a block is in its source: lines (Markdown, HTML, text) and/or pages (PDF), 1-based. */
export interface BlockSpan {
  lineStart?: number;
  lineEnd?: number;
  page?: number;
  pageEnd?: number;
}

/** A heading; lower levels are outer (Markdown's `#` is 1; a plain-text title is 0). */
export interface HeadingBlock {
  type: 'heading';
  level: number;
  text: string;
  span: BlockSpan;
}

/** Running text; may hold line breaks. */
export interface ParagraphBlock {
  type: 'paragraph';
  text: string;
  span: BlockSpan;
}

/** A list; each item is rendered with its marker (`- ` or `1. `), nested items indented inside it. */
export interface ListBlock {
  type: 'list';
  items: string[];
  span: BlockSpan;
}

/** A table: the header row (when the source marks one) and the body rows, as cell texts. */
export interface TableBlock {
  type: 'table';
  header?: string[];
  rows: string[][];
  span: BlockSpan;
}

/** Preformatted text (a code block, `<pre>`), kept verbatim. */
export interface CodeBlock {
  type: 'code';
  text: string;
  span: BlockSpan;
}

export type DocumentBlock = HeadingBlock | ParagraphBlock | ListBlock | TableBlock | CodeBlock;

/** One table row as a line of text: cells separated by ` | `. */
export function renderTableRow(cells: readonly string[]): string {
  return cells.map((cell) => cell.replace(/\s*\n\s*/g, ' ')).join(' | ');
}

/** Collapse runs of spaces and tabs, trim each line, drop empty lines at the ends. */
export function tidyText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0\u3000]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
