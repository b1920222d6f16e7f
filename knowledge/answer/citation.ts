/**
 * How an answer cites its entry: the title the customer recognises (the FAQ question, or a
 * document passage's heading path) and, for a document passage, where it stands in its file
 * ("门店手册.pdf 第3页", "售后政策.md 第12–18行"), so the customer or an operator can find it.
 */
import type { Citation } from '../../bot/model.ts';
import type { KnowledgeEntry, RetrievalHit } from '../types.ts';
import { titleOf } from './answer-decision.ts';

/** The citation of a retrieved entry. */
export function citationOf(hit: RetrievalHit): Citation {
  const source = sourceLabelOf(hit.entry);
  return { id: hit.entry.id, title: titleOf(hit), score: hit.score, ...(source ? { source } : {}) };
}

/** File and page or lines of a document passage; undefined for FAQ entries (their question says it all). */
export function sourceLabelOf(entry: KnowledgeEntry): string | undefined {
  if (entry.kind !== 'chunk' || !entry.sourceName) return undefined;
  const { page, pageEnd, lineStart, lineEnd } = entry.position ?? {};
  const span = (start: number, end: number | undefined, unit: string) =>
    ` 第${start}${end !== undefined && end !== start ? `–${end}` : ''}${unit}`;
  if (page !== undefined) return `${entry.sourceName}${span(page, pageEnd, '页')}`;
  if (lineStart !== undefined) return `${entry.sourceName}${span(lineStart, lineEnd, '行')}`;
  return entry.sourceName;
}
