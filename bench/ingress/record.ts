/**
 * Append a saved ingress run to bench/RESULTS.md: the JSON object `run.ts` prints as the last line
 * of its stdout (a run made with --no-record, or whose section was lost).
 *
 * Usage: npx tsx bench/ingress/record.ts <file with run.ts's output> [--results bench/RESULTS.md]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { appendResults, type IngressReport } from './report.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { results: { type: 'string', default: fileURLToPath(new URL('../RESULTS.md', import.meta.url)) } },
});
const [file] = positionals;
if (!file) {
  process.stderr.write('usage: record.ts <file with run.ts output> [--results FILE]\n');
  process.exit(2);
}
const last = readFileSync(file, 'utf8').trim().split('\n').reverse().find((line) => line.startsWith('{"benchmark":"ingress"'));
if (!last) {
  process.stderr.write(`${file}: no ingress result line (a JSON object starting {"benchmark":"ingress"}) found\n`);
  process.exit(1);
}
appendResults(values.results!, JSON.parse(last) as IngressReport);
process.stdout.write(`appended the run of ${(JSON.parse(last) as IngressReport).date} to ${values.results}\n`);
