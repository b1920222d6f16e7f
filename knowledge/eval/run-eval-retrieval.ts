/**
 * `kefu eval retrieval --kb <file> --queries <file>`: reads a knowledge table and golden queries
 * (DESIGN.md, "Public contract"), prints progress and skipped rows, and prints the result JSON as
 * the last line.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { KefuError } from '../../bot/errors.ts';
import { parseDelimited } from '../import/delimited.ts';
import { FaqTableError, parseFaqTable } from '../import/faq-table.ts';
import { createStaticRetriever } from '../retriever.ts';
import { evaluateRetrieval, type RetrievalEvalResult, type RetrievalQuery } from './retrieval-eval.ts';

export interface RunEvalRetrievalArgs {
  /** Knowledge file: TSV (or CSV/JSON) with `id`, `question`, `answer`; more columns ignored. */
  kb: string;
  /** Queries file: TSV with `query`, `gold_ids` (comma-separated). */
  queries: string;
}

/** Parse a queries table; rows without a query or gold id are reported through `skip`. */
export function parseRetrievalQueries(text: string, skip: (line: number, reason: string) => void): RetrievalQuery[] {
  const [header, ...rows] = parseDelimited(text, 'tsv');
  const columns = header?.cells.map((cell) => cell.trim().toLowerCase()) ?? [];
  const queryColumn = columns.indexOf('query');
  const goldColumn = columns.indexOf('gold_ids');
  if (queryColumn < 0 || goldColumn < 0) {
    throw new FaqTableError('the queries file needs a header row with the columns query and gold_ids');
  }
  const queries: RetrievalQuery[] = [];
  for (const { line, cells } of rows) {
    const query = (cells[queryColumn] ?? '').trim();
    const goldIds = (cells[goldColumn] ?? '').split(/[,，]/).map((id) => id.trim()).filter(Boolean);
    if (!query) skip(line, 'empty query');
    else if (goldIds.length === 0) skip(line, 'no gold_ids');
    else queries.push({ query, goldIds });
  }
  return queries;
}

/** Run the evaluation and write its lines to `out`; the last line is the result JSON. */
export async function runEvalRetrieval(args: RunEvalRetrievalArgs, out: (line: string) => void): Promise<RetrievalEvalResult> {
  const [kbText, queriesText] = await Promise.all([readText(args.kb), readText(args.queries)]);
  const table = parseFaqTable(kbText, { sourceName: basename(args.kb) });
  for (const problem of table.problems) out(`${args.kb}:${problem.line}: skipped: ${problem.reason}`);
  const queries = parseRetrievalQueries(queriesText, (line, reason) => out(`${args.queries}:${line}: skipped: ${reason}`));
  const known = new Set(table.entries.map((entry) => entry.id));
  const unknownGold = queries.filter((query) => !query.goldIds.some((id) => known.has(id))).length;
  if (unknownGold > 0) out(`warning: ${unknownGold} queries name no gold id that is in the knowledge file`);

  const started = performance.now();
  const retriever = createStaticRetriever(table.entries);
  const seconds = (performance.now() - started) / 1000;
  out(`indexed ${table.entries.length} entries in ${seconds.toFixed(2)} s; running ${queries.length} queries`);
  const result = await evaluateRetrieval(table.entries, queries, {
    retriever,
    onProgress: (done, total) => out(`${done}/${total} queries`),
  });
  out(JSON.stringify(result));
  return result;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new KefuError('file_unreadable', `cannot read ${path}`, { cause: error });
  }
}
