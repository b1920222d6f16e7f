/**
 * PDF pages into document blocks, with unpdf (pdf.js): the text items of each page are gathered
 * into lines; lines set in a font clearly larger than the body text are headings (the largest
 * size is level 1); a vertical gap wider than ordinary line spacing, or a new page, starts a new
 * paragraph; the rest follows the plain-text rules (`text-blocks.ts`). Every block records its
 * page. A PDF keeps no table or list structure, so tables come out as lines of text, and lists
 * only when their bullets are characters (Chromium and Word draw them as shapes).
 */
import { extractTextItems, getDocumentProxy } from 'unpdf';
import type { DocumentBlock } from './document-block.ts';
import { KnowledgeFileError } from './knowledge-file-error.ts';
import { blocksFromLines, type SourceLine } from './text-blocks.ts';

/** A line at least this much larger than the body text is a heading. */
const HEADING_SIZE_RATIO = 1.15;
/** A gap between lines wider than this many font sizes separates paragraphs. */
const PARAGRAPH_GAP_RATIO = 1.8;
const MAX_HEADING_LENGTH = 60;

interface PdfLine {
  page: number;
  text: string;
  y: number;
  fontSize: number;
}

/**
 * Fonts often map CJK glyphs to the look-alike radicals of the Kangxi Radicals (U+2F00…) and CJK
 * Radicals Supplement (U+2E80…) blocks, so "页" is extracted as "⻚" and would never match a
 * customer's "页". Kangxi radicals fold under NFKC; the supplement needs this table.
 */
const radicalSupplement: Record<string, string> = {
  '⺁': '厂', '⺠': '民', '⺟': '母', '⺰': '纟', '⻄': '西', '⻅': '见', '⻆': '角', '⻈': '讠', '⻉': '贝', '⻊': '足', '⻋': '车',
  '⻐': '钅', '⻓': '长', '⻔': '门', '⻗': '雨', '⻘': '青', '⻙': '韦', '⻚': '页', '⻛': '风', '⻜': '飞', '⻝': '食', '⻠': '饣',
  '⻢': '马', '⻣': '骨', '⻤': '鬼', '⻥': '鱼', '⻦': '鸟', '⻧': '卤', '⻨': '麦', '⻩': '黄', '⻪': '黾', '⻬': '齐', '⻮': '齿',
  '⻰': '龙', '⻳': '龟',
};

/** Replace radical look-alikes with the ideographs they stand for. */
export function foldRadicals(text: string): string {
  return text.replace(/[\u2e80-\u2eff\u2f00-\u2fdf]/g, (character) => radicalSupplement[character] ?? character.normalize('NFKC'));
}

/** Read a PDF; `problems` names pages without text (scans need OCR first). */
export async function pdfBlocks(content: Uint8Array): Promise<{ blocks: DocumentBlock[]; problems: Array<{ reason: string }> }> {
  let pages: Awaited<ReturnType<typeof extractTextItems>>['items'];
  try {
    // pdf.js may transfer (detach) the buffer it is given, so it gets a copy; verbosity 0 keeps
    // its recovery warnings ("Indexing all PDF objects") off the console.
    const document = await getDocumentProxy(content.slice(), { verbosity: 0 });
    try {
      pages = (await extractTextItems(document)).items;
    } finally {
      await document.destroy();
    }
  } catch (cause) {
    throw new KnowledgeFileError(`not a readable PDF (${cause instanceof Error ? cause.message : String(cause)}); is the file complete?`, { cause });
  }
  const lines: PdfLine[] = [];
  const problems: Array<{ reason: string }> = [];
  pages.forEach((items, pageIndex) => {
    const page = pageIndex + 1;
    const before = lines.length;
    let current: PdfLine | undefined;
    for (const item of items) {
      if (item.str === '') continue;
      if (!current || Math.abs(current.y - item.y) > Math.max(current.fontSize, item.fontSize) / 2) {
        current = { page, text: '', y: item.y, fontSize: item.fontSize };
        lines.push(current);
      }
      current.text += item.str;
      current.fontSize = Math.max(current.fontSize, item.fontSize);
    }
    if (!lines.slice(before).some((line) => line.text.trim() !== '')) problems.push({ reason: `page ${page} has no text (a scanned image? run OCR first)` });
  });
  const bodySize = commonestSize(lines);
  const headingSizes = [...new Set(lines.filter((line) => isHeading(line, bodySize)).map((line) => round(line.fontSize)))].sort((a, b) => b - a);
  const sourceLines = lines.map((line, index): SourceLine => {
    const previous = lines[index - 1];
    const gap = previous && previous.page === line.page ? previous.y - line.y : Number.POSITIVE_INFINITY;
    return {
      text: foldRadicals(line.text),
      page: line.page,
      ...(isHeading(line, bodySize) ? { headingLevel: headingSizes.indexOf(round(line.fontSize)) + 1 } : {}),
      breakBefore: gap > PARAGRAPH_GAP_RATIO * line.fontSize || gap < 0,
    };
  });
  return { blocks: blocksFromLines(sourceLines), problems };
}

function round(size: number): number {
  return Math.round(size * 2) / 2;
}

function isHeading(line: PdfLine, bodySize: number): boolean {
  return line.fontSize >= bodySize * HEADING_SIZE_RATIO && line.text.trim().length <= MAX_HEADING_LENGTH;
}

/** The font size carrying the most characters: the body text. */
function commonestSize(lines: readonly PdfLine[]): number {
  const characters = new Map<number, number>();
  for (const line of lines) characters.set(round(line.fontSize), (characters.get(round(line.fontSize)) ?? 0) + line.text.length);
  let best = 0;
  let bestCount = -1;
  for (const [size, count] of characters) {
    if (count > bestCount) [best, bestCount] = [size, count];
  }
  return best;
}
