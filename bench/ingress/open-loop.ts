/**
 * Open-loop load at a fixed arrival rate: requests are sent at Poisson arrival times (exponential
 * gaps, seeded, so every target gets the same schedule), whether or not earlier ones have been
 * answered, over up to `connections` keep-alive connections; a request that finds every
 * connection busy waits for one, and its latency counts from its scheduled arrival — the wait is
 * part of what the sender sees (no coordinated omission).
 *
 * Why not autocannon's `overallRate`: it lets each connection send its share of a second's
 * requests back to back when the second starts, so "50 req/s" over 32 connections arrives as one
 * burst of ~50 requests per second. That measures a burst's queue, not a sustained rate; WeChat's
 * callbacks from many followers arrive independently, which is what Poisson arrivals model.
 */
import { Agent, request } from 'node:http';
import { checkAnswer, type Checks, type LoadResult, type PayloadCursor } from './load.ts';

/** A small seeded PRNG (mulberry32), so the arrival schedule is the same for every target. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Arrival offsets (ms from the start) of a Poisson process at `rate` req/s over `durationS`. */
export function poissonSchedule(rate: number, durationS: number, seed = 1): number[] {
  const random = seededRandom(seed);
  const offsets: number[] = [];
  let at = 0;
  for (;;) {
    at += (-Math.log(1 - random()) / rate) * 1000;
    if (at >= durationS * 1000) return offsets;
    offsets.push(at);
  }
}

const percentile = (sorted: number[], fraction: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]! : Infinity;

/** Run one open-loop load; the result has the same shape as `runLoad`'s. */
export async function runOpenLoad(options: {
  baseUrl: string;
  path: string;
  cursor: PayloadCursor;
  connections: number;
  durationS: number;
  rate: number;
  /** Seconds a request may take before it counts as a timeout (default 10). */
  timeoutS?: number;
  seed?: number;
}): Promise<LoadResult> {
  const checks: Checks = { acknowledged: 0, replied: 0, invalid: 0, samples: [] };
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const url = new URL(options.baseUrl);
  const schedule = poissonSchedule(options.rate, options.durationS, options.seed);
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;

  const send = (scheduledAt: number) =>
    new Promise<void>((resolve) => {
      const payload = options.cursor.take();
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: `${options.path}?${payload.query}`,
          headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(payload.body) },
          timeout: (options.timeoutS ?? 10) * 1000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            latencies.push(performance.now() - scheduledAt);
            const status = res.statusCode ?? 0;
            statusCodes[status] = (statusCodes[status] ?? 0) + 1;
            if (status < 200 || status > 299) non2xx += 1;
            checkAnswer(checks, status, Buffer.concat(chunks).toString('utf8'), payload.openId);
            resolve();
          });
          res.on('error', () => {
            errors += 1;
            resolve();
          });
        },
      );
      req.on('timeout', () => {
        timeouts += 1;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end(payload.body);
    });

  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (const offset of schedule) {
    const due = started + offset;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(due));
  }
  await Promise.all(inFlight);
  const durationS = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    requests: latencies.length,
    durationS,
    rps: latencies.length / durationS,
    p50: round(percentile(latencies, 0.5)),
    p90: round(percentile(latencies, 0.9)),
    p99: round(percentile(latencies, 0.99)),
    max: round(percentile(latencies, 1)),
    errors,
    timeouts,
    non2xx,
    statusCodes,
    checks,
  };
}
