/**
 * Summarise a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function and by package /
 * repository file, and inclusive time of the functions that matter for ingress.
 *
 * Usage: node --import tsx bench/ingress/profile.ts <file.cpuprofile> [top] [from-function]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where a frame's code lives: an npm package, a repository file, or V8/Node itself. */
export function bucketOf(url: string): string {
  if (url === '') return '(native / V8)';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + 'node_modules/'.length).split('/');
    return `npm:${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (path.startsWith(repoRoot)) return path.slice(repoRoot.length);
  if (path.startsWith('node:')) return path;
  return path;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  busyMs: number;
  topFunctions: Array<{ name: string; where: string; selfMs: number; selfPct: number }>;
  topBuckets: Array<{ bucket: string; selfMs: number; selfPct: number }>;
  inclusive: Array<{ name: string; where: string; totalMs: number; totalPct: number }>;
}

/**
 * Summarise `profile`. With `from`, only samples from the first one whose stack contains a function
 * of that name (e.g. `handleWebhookCall`) count, so start-up (module loading, migrations) is left out.
 */
export function summariseProfile(profile: CpuProfile, top = 20, from?: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const hasAncestor = (id: number, name: string): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (byId.get(at)!.callFrame.functionName === name) return true;
    return false;
  };
  let first = 0;
  if (from) {
    first = profile.samples.findIndex((id) => hasAncestor(id, from));
    if (first < 0) first = 0;
  }
  const selfMs = new Map<number, number>();
  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    if (index < first) return;
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    totalMs += ms;
    selfMs.set(id, (selfMs.get(id) ?? 0) + ms);
  });
  let idleMs = 0;
  const functions = new Map<string, { name: string; where: string; selfMs: number }>();
  const buckets = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const where = `${bucketOf(url)}${url ? `:${lineNumber + 1}` : ''}`;
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where, selfMs: 0 };
    entry.selfMs += ms;
    functions.set(key, entry);
    const bucket = functionName === '(garbage collector)' ? '(garbage collector)' : bucketOf(url);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + ms);
  }
  const busyMs = totalMs - idleMs;
  // Inclusive time by function, counting a function once per stack even when it recurses.
  const inclusive = new Map<string, { name: string; where: string; totalMs: number }>();
  const walk = (id: number, onStack: Set<string>): number => {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = `${bucketOf(url)}${url ? `:${lineNumber + 1}` : ''}`;
    const key = `${functionName}@${where}`;
    const fresh = !onStack.has(key);
    if (fresh) onStack.add(key);
    let total = selfMs.get(id) ?? 0;
    for (const child of node.children ?? []) total += walk(child, onStack);
    if (fresh) {
      onStack.delete(key);
      const entry = inclusive.get(key) ?? { name: functionName || '(anonymous)', where, totalMs: 0 };
      entry.totalMs += total;
      inclusive.set(key, entry);
    }
    return total;
  };
  walk(profile.nodes[0]!.id, new Set());
  const pct = (ms: number) => Math.round((ms / busyMs) * 1000) / 10;
  const round = (ms: number) => Math.round(ms);
  return {
    totalMs: round(totalMs),
    idleMs: round(idleMs),
    busyMs: round(busyMs),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top)
      .map((f) => ({ ...f, selfMs: round(f.selfMs), selfPct: pct(f.selfMs) })),
    topBuckets: [...buckets.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([bucket, ms]) => ({ bucket, selfMs: round(ms), selfPct: pct(ms) })),
    inclusive: [...inclusive.values()]
      .filter((f) => !f.where.startsWith('(native') && f.name !== '(root)' && f.name !== '(program)')
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, top * 2)
      .map((f) => ({ ...f, totalMs: round(f.totalMs), totalPct: pct(f.totalMs) })),
  };
}

export function formatSummary(summary: ProfileSummary): string {
  const lines = [
    `profile: ${summary.totalMs} ms sampled, ${summary.busyMs} ms busy on the main thread, ${summary.idleMs} ms idle`,
    '',
    'self time by package / file:',
    ...summary.topBuckets.map((b) => `  ${String(b.selfPct).padStart(5)} %  ${String(b.selfMs).padStart(6)} ms  ${b.bucket}`),
    '',
    'self time by function:',
    ...summary.topFunctions.map((f) => `  ${String(f.selfPct).padStart(5)} %  ${String(f.selfMs).padStart(6)} ms  ${f.name}  ${f.where}`),
    '',
    'inclusive time by function:',
    ...summary.inclusive.map((f) => `  ${String(f.totalPct).padStart(5)} %  ${String(f.totalMs).padStart(6)} ms  ${f.name}  ${f.where}`),
  ];
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top, from] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: profile.ts <file.cpuprofile> [top] [from-function]\n');
    process.exit(2);
  }
  process.stdout.write(`${formatSummary(summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 20), from))}\n`);
}
