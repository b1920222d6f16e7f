/**
 * Evaluation of answer decisions against a golden set in the retrieval-query format (`query`,
 * `gold_ids`), where an empty `gold_ids` marks a message that must not be answered. Counts what a
 * customer notices: answered right, asked back with the right question among the choices, answered
 * wrong (the worst outcome), and out-of-scope messages left alone.
 */
import { parseDelimited } from '../import/delimited.ts';
import type { KnowledgeRetriever } from '../types.ts';
import { decideAnswer, type AnswerDecision, type AnswerDecisionOptions } from './answer-decision.ts';

/** One golden message; `goldIds` empty = out of scope. */
export interface GoldenQuery {
  /** 1-based line in the file. */
  line: number;
  query: string;
  goldIds: string[];
}

/** Figures over a set of golden messages (rates in 0..1). */
export interface AnswerFigures {
  queries: number;
  inScope: number;
  outOfScope: number;
  /** In scope: answered with a gold entry, or asked back with a gold entry among the choices. */
  handledRate: number;
  /** In scope: answered directly with a gold entry. */
  directRate: number;
  /** All messages: answered directly with an entry that is not gold (or answered at all, out of scope). */
  wrongAnswerRate: number;
  /** Out of scope: not answered directly (passed or asked back). */
  rejectionRate: number;
  /** Out of scope: passed to the fallback. */
  passedRate: number;
}

/** One message's decision and its verdict. */
export interface AnswerResult extends GoldenQuery {
  decision: AnswerDecision;
  verdict: 'right' | 'clarified' | 'missed' | 'wrong' | 'rejected';
}

/** Read a golden TSV with a `query` and a `gold_ids` column (ids separated by commas). */
export function parseGoldenQueries(text: string): GoldenQuery[] {
  const [header, ...rows] = parseDelimited(text, 'tsv');
  const columns = header?.cells.map((cell) => cell.trim().toLowerCase()) ?? [];
  const queryColumn = columns.indexOf('query');
  const goldColumn = columns.indexOf('gold_ids');
  if (queryColumn < 0 || goldColumn < 0) throw new Error('the golden file needs a header row with the columns query and gold_ids');
  return rows
    .map(({ line, cells }) => ({
      line,
      query: (cells[queryColumn] ?? '').trim(),
      goldIds: (cells[goldColumn] ?? '').split(/[,，]/).map((id) => id.trim()).filter(Boolean),
    }))
    .filter((row) => row.query !== '');
}

/** Run every golden message through the retriever and `decideAnswer`. */
export async function evaluateAnswers(
  retriever: KnowledgeRetriever,
  queries: readonly GoldenQuery[],
  options: AnswerDecisionOptions = {},
): Promise<{ figures: AnswerFigures; results: AnswerResult[] }> {
  const results: AnswerResult[] = [];
  for (const golden of queries) {
    const hits = await retriever.retrieve('eval', golden.query, { limit: 3 });
    const decision = decideAnswer(golden.query, hits, options);
    results.push({ ...golden, decision, verdict: verdictOf(golden, decision) });
  }
  return { figures: figuresOf(results), results };
}

/** The figures of already judged results (e.g. one half of a golden set). */
export function figuresOf(results: readonly AnswerResult[]): AnswerFigures {
  const inScope = results.filter((result) => result.goldIds.length > 0);
  const outOfScope = results.filter((result) => result.goldIds.length === 0);
  const count = (list: readonly AnswerResult[], test: (result: AnswerResult) => boolean) => list.filter(test).length;
  const rate = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000);
  return {
    queries: results.length,
    inScope: inScope.length,
    outOfScope: outOfScope.length,
    handledRate: rate(count(inScope, (r) => r.verdict === 'right' || r.verdict === 'clarified'), inScope.length),
    directRate: rate(count(inScope, (r) => r.verdict === 'right'), inScope.length),
    wrongAnswerRate: rate(count(results, (r) => r.verdict === 'wrong'), results.length),
    rejectionRate: rate(count(outOfScope, (r) => r.verdict === 'rejected'), outOfScope.length),
    passedRate: rate(count(outOfScope, (r) => r.decision.outcome === 'none'), outOfScope.length),
  };
}

function verdictOf(golden: GoldenQuery, decision: AnswerDecision): AnswerResult['verdict'] {
  const isGold = (id: string | undefined) => id !== undefined && golden.goldIds.includes(id);
  if (golden.goldIds.length === 0) return decision.outcome === 'answer' ? 'wrong' : 'rejected';
  if (decision.outcome === 'answer') return isGold(decision.best?.entry.id) ? 'right' : 'wrong';
  if (decision.outcome === 'clarify' && decision.choices?.some((choice) => isGold(choice.entry.id))) return 'clarified';
  return 'missed';
}
