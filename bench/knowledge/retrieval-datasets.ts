/**
 * Loads the public FAQ-retrieval sets from `../shared/datasets` into the shape of
 * `evaluateRetrieval`, following each dataset README's protocol. Read at benchmark time only:
 * these files must never be copied into the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RetrievalQuery } from '../../knowledge/eval/retrieval-eval.ts';
import type { KnowledgeEntry } from '../../knowledge/types.ts';

/** A knowledge base and golden queries for one protocol. */
export interface RetrievalTask {
  name: string;
  entries: KnowledgeEntry[];
  queries: RetrievalQuery[];
}

/** Rows of a TSV file with a header row, as objects; strips a UTF-8 BOM anywhere in a cell. */
export function readTsvRows(path: string): Array<Record<string, string>> {
  const [header = '', ...lines] = readFileSync(path, 'utf8').split(/\r?\n/);
  const columns = header.replaceAll('\ufeff', '').split('\t');
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cells = line.split('\t');
      return Object.fromEntries(columns.map((column, index) => [column, (cells[index] ?? '').replaceAll('\ufeff', '')]));
    });
}

const faq = (id: string, question: string, answer: string): KnowledgeEntry => ({
  id,
  kind: 'faq',
  question,
  variants: [],
  answer,
});

/**
 * 保险知道 protocol B: index only the distinct answers (id = answer_group, no question); the
 * queries are the kb questions with `kb_id % 4 == 0`, gold = their answer_group.
 */
export function baoxianzhidaoProtocolB(datasets: string): RetrievalTask {
  const rows = readTsvRows(join(datasets, 'baoxianzhidao-faq-zh', 'kb.tsv'));
  const answers = new Map<string, string>();
  for (const row of rows) if (!answers.has(row.answer_group as string)) answers.set(row.answer_group as string, row.answer as string);
  return {
    name: 'baoxianzhidao-B',
    entries: [...answers].map(([group, answer]) => faq(group, '', answer)),
    queries: rows
      .filter((row) => Number(row.kb_id) % 4 === 0)
      .map((row) => ({ query: row.question as string, goldIds: [row.answer_group as string] })),
  };
}

/**
 * ATEC FAQ retrieval: standard questions as the KB; `small` keeps kb_id < 2000. The dev queries by
 * default, or `queryRows` (the held-out ones, see `heldOutTasks`) under `name`.
 */
export function atecFaqRetrieval(
  datasets: string,
  variant: 'full' | 'small',
  held?: { name: string; queryRows: Array<Record<string, string>> },
): RetrievalTask {
  const keep = (kbId: string) => variant === 'full' || Number(kbId) < 2000;
  const kb = readTsvRows(join(datasets, 'atec-antfin-zh', 'faq_kb.tsv')).filter((row) => keep(row.kb_id as string));
  const queries = (held?.queryRows ?? readTsvRows(join(datasets, 'atec-antfin-zh', 'queries_dev.tsv'))).filter((row) => keep(row.kb_id as string));
  return {
    name: held?.name ?? `atec-${variant}`,
    entries: kb.map((row) => faq(row.kb_id as string, row.question as string, '')),
    queries: queries.map((row) => ({ query: row.query as string, goldIds: [row.kb_id as string] })),
  };
}

/**
 * The held-out splits the dataset READMEs name, for whoever has them beside the dev files
 * (shared/datasets does not): ATEC queries from `queries_test.tsv`, or the rows of the full
 * `queries.tsv` with `query_id % 3 == 0` (as `atec-full-test` / `atec-small-test`); 保险知道
 * protocol A from `queries_backtranslated.tsv` (`baoxianzhidao-A`: the 100 back-translated
 * questions against every kb row, question and answer). Empty when none is there.
 */
export function heldOutTasks(datasets: string): RetrievalTask[] {
  const tasks: RetrievalTask[] = [];
  const atec = join(datasets, 'atec-antfin-zh');
  const atecRows = existsSync(join(atec, 'queries_test.tsv'))
    ? readTsvRows(join(atec, 'queries_test.tsv'))
    : existsSync(join(atec, 'queries.tsv'))
      ? readTsvRows(join(atec, 'queries.tsv')).filter((row) => Number(row.query_id) % 3 === 0)
      : [];
  if (atecRows.length > 0) {
    for (const variant of ['full', 'small'] as const) tasks.push(atecFaqRetrieval(datasets, variant, { name: `atec-${variant}-test`, queryRows: atecRows }));
  }
  const insurance = join(datasets, 'baoxianzhidao-faq-zh');
  if (existsSync(join(insurance, 'queries_backtranslated.tsv'))) {
    tasks.push({
      name: 'baoxianzhidao-A',
      entries: readTsvRows(join(insurance, 'kb.tsv')).map((row) => faq(row.kb_id as string, row.question as string, row.answer as string)),
      queries: readTsvRows(join(insurance, 'queries_backtranslated.tsv')).map((row) => ({
        query: row.query as string,
        goldIds: (row.gold_kb_ids as string).split(/[\s,;|]+/).filter((id) => id !== ''),
      })),
    });
  }
  return tasks;
}

/**
 * A KB of `size` FAQ entries for the scale measurements: every 保险知道 row (question + answer),
 * then ATEC standard questions, each given a 保险知道 answer in turn so that every entry has an
 * answer of realistic length (heavier than question-only entries). Queries alternate between
 * ATEC dev queries and 保险知道 questions.
 */
export function scaleTask(datasets: string, size: number): RetrievalTask {
  const insurance = readTsvRows(join(datasets, 'baoxianzhidao-faq-zh', 'kb.tsv'));
  const atec = readTsvRows(join(datasets, 'atec-antfin-zh', 'faq_kb.tsv'));
  const entries: KnowledgeEntry[] = insurance.slice(0, size).map((row) => faq(`bx-${row.kb_id}`, row.question as string, row.answer as string));
  for (const [position, row] of atec.entries()) {
    if (entries.length >= size) break;
    entries.push(faq(`atec-${row.kb_id}`, row.question as string, insurance[position % insurance.length]!.answer as string));
  }
  const atecQueries = readTsvRows(join(datasets, 'atec-antfin-zh', 'queries_dev.tsv'));
  const queries: RetrievalQuery[] = [];
  for (let position = 0; position < 1500; position++) {
    const atecQuery = atecQueries[position];
    const insuranceRow = insurance[(position * 7) % insurance.length];
    if (atecQuery) queries.push({ query: atecQuery.query as string, goldIds: [`atec-${atecQuery.kb_id}`] });
    if (insuranceRow) queries.push({ query: insuranceRow.question as string, goldIds: [`bx-${insuranceRow.kb_id}`] });
  }
  return { name: `scale-${size}`, entries, queries };
}
