/**
 * Sustained load with autocannon: a fixed number of keep-alive connections, each request taking the
 * next callback of the shared pool (so no two requests repeat a MsgId until the pool wraps), every
 * response checked the way WeChat reads it (`success` / empty = acknowledged; otherwise an
 * encrypted reply envelope that must verify, decrypt and be addressed to the sender).
 */
import { createRequire } from 'node:module';
import { decodePassiveReply } from '../../adapters/wechat-official/sandbox-reply-decoder.ts';
import { callbackAccount, type Payload } from './payloads.ts';

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  latency: { p50: number; p90: number; p99: number; average: number; max: number };
  requests: { total: number; average: number };
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: Record<string, unknown>, callback: (error: Error | null, result: AutocannonResult) => void) => unknown;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Hands out pool indices across all connections and runs of one target. */
export class PayloadCursor {
  next = 0;
  constructor(readonly pool: Payload[]) {}
  take(): Payload {
    const payload = this.pool[this.next % this.pool.length]!;
    this.next += 1;
    return payload;
  }
  /** Requests sent beyond the pool size (repeats of a MsgId). */
  get wrapped(): number {
    return Math.max(0, this.next - this.pool.length);
  }
}

export interface Checks {
  acknowledged: number;
  replied: number;
  invalid: number;
  /** First few invalid answers, for the report. */
  samples: string[];
}

export interface LoadResult {
  requests: number;
  durationS: number;
  rps: number;
  /** Latency percentiles in ms; Infinity when no request completed. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  checks: Checks;
}

/** Check one answer as WeChat would read it. */
export function checkAnswer(checks: Checks, status: number, body: string, openId: string): void {
  if (status !== 200) return; // counted as non2xx by autocannon
  const decoded = decodePassiveReply(callbackAccount, openId, body);
  if (decoded.kind === 'acknowledged') checks.acknowledged += 1;
  else if (decoded.kind === 'replied' && decoded.content) checks.replied += 1;
  else {
    checks.invalid += 1;
    if (checks.samples.length < 3) checks.samples.push(decoded.kind === 'invalid' ? decoded.reason : body.slice(0, 200));
  }
}

export async function runLoad(options: {
  baseUrl: string;
  path: string;
  cursor: PayloadCursor;
  connections: number;
  durationS: number;
  /** Fixed arrival rate over all connections (req/s); omitted = as fast as the target answers. */
  rate?: number;
}): Promise<LoadResult> {
  const checks: Checks = { acknowledged: 0, replied: 0, invalid: 0, samples: [] };
  const { cursor } = options;
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        duration: options.durationS,
        ...(options.rate ? { overallRate: options.rate } : {}),
        timeout: 10,
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        requests: [
          {
            setupRequest(request: Record<string, unknown>, context: Record<string, unknown>) {
              const payload = cursor.take();
              context.openId = payload.openId;
              request.path = `${options.path}?${payload.query}`;
              request.body = payload.body;
              return request;
            },
            onResponse(status: number, body: string, context: Record<string, unknown>) {
              checkAnswer(checks, status, body, String(context.openId));
            },
          },
        ],
      },
      (error, value) => (error ? reject(error) : resolve(value)),
    );
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    requests: result.requests.total,
    durationS: result.duration,
    rps: result.requests.total / result.duration,
    // No completed request: latency is unbounded, not 0 (autocannon reports 0).
    p50: result.requests.total ? result.latency.p50 : Infinity,
    p90: result.requests.total ? result.latency.p90 : Infinity,
    p99: result.requests.total ? result.latency.p99 : Infinity,
    max: result.requests.total ? result.latency.max : Infinity,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    checks,
  };
}
