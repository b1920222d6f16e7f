/** The demo knowledge base (`knowledge/demo/milk-tea-faq.tsv`), parsed, for tests. */
import { readFileSync } from 'node:fs';
import { parseFaqTable } from '../import/faq-table.ts';
import type { KnowledgeEntry } from '../types.ts';

export const demoFaqPath = new URL('../demo/milk-tea-faq.tsv', import.meta.url);

export function demoEntries(): KnowledgeEntry[] {
  return parseFaqTable(readFileSync(demoFaqPath, 'utf8'), { sourceName: 'milk-tea-faq.tsv' }).entries;
}

/** Small hand-made entries. */
export function faq(id: string, question: string, answer: string, variants: string[] = []): KnowledgeEntry {
  return { id, kind: 'faq', question, variants, answer };
}
