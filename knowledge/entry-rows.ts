/**
 * The one mapping between a knowledge entry and its `knowledge_entries` row, used by every
 * repository that writes or reads entries (imports, draft edits, the published-entry loader).
 */
import type { knowledgeEntries } from '../bot/storage/schema.ts';
import { contentHashOf } from './content-hash.ts';
import type { KnowledgeEntry, SourcePosition } from './types.ts';

type EntryRow = typeof knowledgeEntries.$inferSelect;
type NewEntryRow = typeof knowledgeEntries.$inferInsert;

/** The row that stores `entry` in a version; an FAQ row's `line` is kept in its position. */
export function entryRowOf(
  entry: KnowledgeEntry & { line?: number },
  version: { workspaceId: string; knowledgeBaseId: string; versionId: string },
): NewEntryRow {
  const position = entry.line === undefined && entry.position === undefined ? null : { ...entry.position, ...(entry.line === undefined ? {} : { line: entry.line }) };
  return {
    ...version,
    entryKey: entry.id,
    kind: entry.kind,
    question: entry.question,
    variants: entry.variants,
    answer: entry.answer,
    category: entry.category ?? null,
    sourceName: entry.sourceName ?? null,
    position,
    contentHash: contentHashOf(entry),
  };
}

/** The entry a row stores. */
export function entryOfRow(
  row: Pick<EntryRow, 'entryKey' | 'kind' | 'question' | 'variants' | 'answer' | 'category' | 'sourceName' | 'position'>,
): KnowledgeEntry {
  return {
    id: row.entryKey,
    kind: row.kind,
    question: row.question,
    variants: row.variants,
    answer: row.answer,
    ...(row.category ? { category: row.category } : {}),
    ...(row.sourceName ? { sourceName: row.sourceName } : {}),
    ...(row.position ? { position: sourcePositionOf(row.position) } : {}),
  };
}

/** The known fields of a stored position (jsonb written by the importers). */
function sourcePositionOf(stored: Record<string, unknown>): SourcePosition {
  const position: SourcePosition = {};
  for (const key of ['line', 'lineStart', 'lineEnd', 'page', 'pageEnd'] as const) {
    const value = stored[key];
    if (typeof value === 'number' && Number.isInteger(value)) position[key] = value;
  }
  const headingPath = stored.headingPath;
  if (Array.isArray(headingPath) && headingPath.every((part) => typeof part === 'string')) position.headingPath = headingPath;
  return position;
}
