/** Build rate, heap and query latency of one engine on a large KB, on the main thread. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { percentile } from '../../knowledge/eval/retrieval-eval.ts';
import type { KnowledgeIndex } from '../../knowledge/index/knowledge-index.ts';
import { createTextAnalyzer } from '../../knowledge/text/tokenizer.ts';
import type { RetrievalTask } from './retrieval-datasets.ts';

export interface ScaleResult {
  entries: number;
  build_s: number;
  entries_per_s: number;
  /** JS heap retained by the index after a full GC, in MB (jieba's native dictionary excluded). */
  heap_mb: number;
  queries: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  /**
   * Per-query CPU time of this process (getrusage), which unlike wall time does not include
   * waiting for a core on a busy machine.
   */
  cpu_p50_ms: number;
  cpu_p95_ms: number;
  cpu_mean_ms: number;
}

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Index the task's entries with a fresh index, then time its queries (after a warm-up). */
export async function measureScale(task: RetrievalTask, create: () => KnowledgeIndex): Promise<ScaleResult> {
  // Load jieba's dictionary and OpenCC's tables before measuring.
  createTextAnalyzer().analyze('預熱分词词典');
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const index = create();
  for (const entry of task.entries) index.add(entry);
  const buildSeconds = (performance.now() - started) / 1000;
  collectGarbage();
  const heapMegabytes = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

  for (const { query } of task.queries.slice(0, 200)) index.search(query, 10);
  const latencies: number[] = [];
  const cpuTimes: number[] = [];
  for (const { query } of task.queries) {
    const cpuStarted = process.cpuUsage();
    const queryStarted = performance.now();
    index.search(query, 10);
    latencies.push(performance.now() - queryStarted);
    const cpu = process.cpuUsage(cpuStarted);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  return {
    entries: index.size,
    build_s: round(buildSeconds, 2),
    entries_per_s: Math.round(task.entries.length / buildSeconds),
    heap_mb: round(heapMegabytes, 1),
    queries: latencies.length,
    p50_ms: round(percentile(latencies, 50)),
    p95_ms: round(percentile(latencies, 95)),
    p99_ms: round(percentile(latencies, 99)),
    cpu_p50_ms: round(percentile(cpuTimes, 50)),
    cpu_p95_ms: round(percentile(cpuTimes, 95)),
    cpu_mean_ms: round(cpuTimes.reduce((sum, time) => sum + time, 0) / cpuTimes.length),
  };
}
