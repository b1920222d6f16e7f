/**
 * Document blocks → knowledge chunks, keeping structure:
 *
 * - a heading starts a new chunk; a chunk's `question` is its heading path ("门店服务 > 营业时间");
 * - within a section, blocks are packed into chunks of about `targetChars` characters;
 * - a list, table or code block is never split unless it alone is longer than `maxChars`; then it
 *   is split between items (rows, lines) into parts of about `targetChars`, a table repeating its
 *   header row in every part;
 * - a paragraph longer than `targetChars` is split at sentence ends (a sentence longer than
 *   `maxChars` is cut at `maxChars`), because a paragraph is prose, not a structure;
 * - ids are `<source name>#<hash of the heading path>-<n>`, `n` counting chunks under that same
 *   heading path from 1, so editing one section never renumbers the chunks of another.
 *
 * Lengths count Unicode code points (a Chinese character is one).
 */
import { createHash } from 'node:crypto';
import { KefuError } from '../../bot/errors.ts';
import type { KnowledgeEntry } from '../types.ts';
import { renderTableRow, type BlockSpan, type DocumentBlock } from './document-block.ts';

/** Size limits of chunks, in characters. */
export interface ChunkLimits {
  /** Chunks are packed up to about this size. Default 400 (or `maxChars` when that is smaller). */
  targetChars: number;
  /** A list, table or code block longer than this is split. Default 1200 (or `targetChars` when that is larger). */
  maxChars: number;
}

export const defaultChunkLimits: ChunkLimits = { targetChars: 400, maxChars: 1200 };

/** Where a chunk came from, for citations: heading path always, lines and/or pages when known. */
export interface ChunkPosition extends BlockSpan {
  headingPath: string[];
}

/** A document chunk: a knowledge entry of kind `chunk` with its source position. */
export interface DocumentChunk extends KnowledgeEntry {
  kind: 'chunk';
  /** First source line, when the format has lines. */
  line?: number;
  position: ChunkPosition;
}

export interface ChunkDocumentOptions {
  /** File name: on every chunk, and the first part of every id. */
  sourceName: string;
  limits?: Partial<ChunkLimits>;
}

interface Piece {
  text: string;
  span: BlockSpan;
}

/** Chunk a document's blocks. */
export function chunkDocument(blocks: readonly DocumentBlock[], options: ChunkDocumentOptions): DocumentChunk[] {
  // One limit given alone moves the other default out of its way (a max of 300 lowers the target).
  const given = options.limits ?? {};
  const targetChars = given.targetChars ?? Math.min(defaultChunkLimits.targetChars, given.maxChars ?? Number.POSITIVE_INFINITY);
  const limits: ChunkLimits = { targetChars, maxChars: given.maxChars ?? Math.max(defaultChunkLimits.maxChars, targetChars) };
  if (!(limits.targetChars > 0) || !(limits.maxChars >= limits.targetChars)) {
    throw new KefuError('bad_chunk_limits', `chunk limits need 0 < targetChars <= maxChars (got ${limits.targetChars}, ${limits.maxChars})`);
  }
  const chunks: DocumentChunk[] = [];
  const ordinals = new Map<string, number>();
  const headings: Array<{ level: number; text: string }> = [];
  let pieces: Piece[] = [];
  let size = 0;
  const flush = () => {
    if (pieces.length === 0) return;
    const headingPath = headings.map((heading) => heading.text);
    const key = headingPath.join('\u001f');
    const ordinal = (ordinals.get(key) ?? 0) + 1;
    ordinals.set(key, ordinal);
    const position: ChunkPosition = { headingPath, ...mergeSpans(pieces.map((piece) => piece.span)) };
    chunks.push({
      id: `${options.sourceName}#${createHash('sha256').update(key).digest('hex').slice(0, 8)}-${ordinal}`,
      kind: 'chunk',
      question: headingPath.join(' > '),
      variants: [],
      answer: pieces.map((piece) => piece.text).join('\n'),
      sourceName: options.sourceName,
      ...(position.lineStart === undefined ? {} : { line: position.lineStart }),
      position,
    });
    pieces = [];
    size = 0;
  };
  for (const block of blocks) {
    if (block.type === 'heading') {
      flush();
      while (headings.length > 0 && (headings[headings.length - 1] as { level: number }).level >= block.level) headings.pop();
      headings.push({ level: block.level, text: block.text });
      continue;
    }
    for (const piece of piecesOf(block, limits)) {
      const length = lengthOf(piece.text);
      if (pieces.length > 0 && size + 1 + length > limits.targetChars) flush();
      pieces.push(piece);
      size += (size > 0 ? 1 : 0) + length;
    }
  }
  flush();
  return chunks;
}

/** Length in code points. */
export function lengthOf(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A block as one piece, or as several when it is too long (see the module comment). */
function piecesOf(block: Exclude<DocumentBlock, { type: 'heading' }>, limits: ChunkLimits): Piece[] {
  const { span } = block;
  const piece = (text: string): Piece => ({ text, span });
  switch (block.type) {
    case 'paragraph':
      return lengthOf(block.text) <= limits.targetChars ? [piece(block.text)] : pack(sentencesOf(block.text, limits.maxChars), limits.targetChars).map(piece);
    case 'code': {
      if (lengthOf(block.text) <= limits.maxChars) return [piece(block.text)];
      return pack(block.text.split('\n').flatMap((line) => hardCut(line, limits.maxChars)), limits.targetChars, '\n').map(piece);
    }
    case 'list': {
      const whole = block.items.join('\n');
      if (lengthOf(whole) <= limits.maxChars) return [piece(whole)];
      return pack(block.items.flatMap((item) => (lengthOf(item) <= limits.maxChars ? [item] : sentencesOf(item, limits.maxChars))), limits.targetChars, '\n').map(piece);
    }
    case 'table': {
      const header = block.header ? renderTableRow(block.header) : undefined;
      const rows = block.rows.map(renderTableRow);
      const whole = [header, ...rows].filter((row) => row !== undefined).join('\n');
      if (lengthOf(whole) <= limits.maxChars) return [piece(whole)];
      // Each part repeats the header, so the room left for rows is smaller.
      const room = Math.max(1, limits.targetChars - (header ? lengthOf(header) + 1 : 0));
      const rowLimit = Math.max(1, limits.maxChars - (header ? lengthOf(header) + 1 : 0));
      return pack(rows.flatMap((row) => hardCut(row, rowLimit)), room, '\n').map((text) => piece(header ? `${header}\n${text}` : text));
    }
  }
}

/** Join parts with `separator` into groups of at most `limit` characters (a longer part stands alone). */
function pack(parts: readonly string[], limit: number, separator = ''): string[] {
  const groups: string[] = [];
  let current = '';
  let currentLength = 0;
  for (const part of parts) {
    const length = lengthOf(part);
    if (current !== '' && currentLength + lengthOf(separator) + length > limit) {
      groups.push(current);
      current = '';
      currentLength = 0;
    }
    current = current === '' ? part : `${current}${separator}${part}`;
    currentLength += (currentLength > 0 ? lengthOf(separator) : 0) + length;
  }
  if (current.trim() !== '') groups.push(current);
  return groups.map((group) => group.trim());
}

/** Sentences with their closing punctuation; a sentence longer than `maxChars` is cut. */
function sentencesOf(text: string, maxChars: number): string[] {
  const sentences = text.match(/[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|\n|$)/g) ?? [text];
  return sentences.filter((sentence) => sentence !== '').flatMap((sentence) => hardCut(sentence, maxChars));
}

function hardCut(text: string, maxChars: number): string[] {
  const characters = [...text];
  if (characters.length <= maxChars) return [text];
  const parts: string[] = [];
  for (let start = 0; start < characters.length; start += maxChars) parts.push(characters.slice(start, start + maxChars).join(''));
  return parts;
}

function mergeSpans(spans: readonly BlockSpan[]): BlockSpan {
  const merged: BlockSpan = {};
  const lineStarts = spans.flatMap((span) => (span.lineStart === undefined ? [] : [span.lineStart]));
  const lineEnds = spans.flatMap((span) => (span.lineEnd === undefined ? [] : [span.lineEnd]));
  const pages = spans.flatMap((span) => [span.page, span.pageEnd].filter((page): page is number => page !== undefined));
  if (lineStarts.length > 0) merged.lineStart = Math.min(...lineStarts);
  if (lineEnds.length > 0) merged.lineEnd = Math.max(...lineEnds);
  if (pages.length > 0) {
    merged.page = Math.min(...pages);
    if (Math.max(...pages) !== merged.page) merged.pageEnd = Math.max(...pages);
  }
  return merged;
}
