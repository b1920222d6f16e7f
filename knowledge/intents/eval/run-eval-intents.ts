/**
 * `kefu eval intents --train <file> --test <file>`: trains the intent detector on the training
 * file's rows (rows labelled `oos` teach it what to reject), predicts every test row and prints
 * progress lines, then the metrics as one JSON object on the last line.
 */
import { createIntentDetector } from '../intent-detector.ts';
import { OUT_OF_SCOPE, type IntentDefinition } from '../types.ts';
import { evaluateIntents, round, type IntentMetrics } from './intent-eval.ts';
import { readLabelledTsv } from './labelled-tsv.ts';

/** The printed report: metrics plus training facts. */
export interface IntentEvalReport extends IntentMetrics {
  train_rows: number;
  train_oos_rows: number;
  intents: number;
  /** The classifier's reject threshold (calibrated on `oos` training rows when there are enough). */
  threshold: number;
  train_ms: number;
}

/**
 * Runs the evaluation. `out` receives each line of output; the last is the JSON report, which is
 * also returned. Throws `EvalFileError` (naming file and line) for a malformed file.
 */
export async function runEvalIntents(
  args: { train: string; test: string },
  out: (line: string) => void,
): Promise<IntentEvalReport> {
  const [trainRows, testRows] = await Promise.all([readLabelledTsv(args.train), readLabelledTsv(args.test)]);
  const byIntent = new Map<string, string[]>();
  const outOfScopeExamples: string[] = [];
  for (const row of trainRows) {
    if (row.label === OUT_OF_SCOPE) outOfScopeExamples.push(row.text);
    else byIntent.set(row.label, [...(byIntent.get(row.label) ?? []), row.text]);
  }
  const intents: IntentDefinition[] = [...byIntent].map(([name, examples]) => ({ name, examples }));
  out(`training on ${trainRows.length} rows: ${intents.length} intents, ${outOfScopeExamples.length} oos examples`);

  const started = performance.now();
  const detector = createIntentDetector({ intents, outOfScopeExamples });
  const trainMs = performance.now() - started;
  out(`trained in ${Math.round(trainMs)} ms (reject threshold ${detector.classifier.threshold})`);

  out(`predicting ${testRows.length} test rows`);
  const metrics = await evaluateIntents(async (text) => (await detector.detect(text)).intent, testRows);
  const report: IntentEvalReport = {
    ...metrics,
    train_rows: trainRows.length,
    train_oos_rows: outOfScopeExamples.length,
    intents: intents.length,
    threshold: detector.classifier.threshold,
    train_ms: round(trainMs, 0),
  };
  out(JSON.stringify(report));
  return report;
}
