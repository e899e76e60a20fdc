/**
 * Retry delays (RELIABILITY.md R6): `min(base·2^(n−1), max) × jitter`, jitter ∈ [0.75, 1.0]
 * (openai-node), plus server hints (`retry-after-ms`, `retry-after`) capped at 60 s.
 * Pure: randomness is injected.
 */
import type { Random } from '../util/random.js';

/** Lower bound of the multiplicative jitter (openai-node spreads reconnects over [0.75, 1.0]). */
export const JITTER_MIN = 0.75;

/** Largest server-requested delay we honour (ms); openai-node caps Retry-After at 60 s. */
export const RETRY_AFTER_CAP_MS = 60_000;

/** Backoff parameters in milliseconds. */
export interface BackoffPolicy {
  /** Delay of the first retry before jitter (ms). */
  baseMs: number;
  /** Cap on the un-jittered delay (ms). */
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (1-based) in ms: `min(base·2^(attempt−1), max) × jitter`.
 * `random()` ∈ [0,1) maps onto jitter ∈ [0.75, 1.0].
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: Random): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2^(n-1) overflows to Infinity for huge n; min() keeps it at the cap.
  const raw = Math.min(policy.baseMs * 2 ** (n - 1), policy.maxMs);
  const jitter = JITTER_MIN + (1 - JITTER_MIN) * clamp01(random());
  return Math.max(0, Math.round(raw * jitter));
}

function clamp01(x: number): number {
  if (!Number.isFinite(x) || x < 0) return 0;
  return Math.min(x, 1);
}

/** Header lookup that accepts a plain record, a `Headers`, or Node's incoming headers. */
export type HeaderSource =
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null };

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const rec = headers as Record<string, string | string[] | undefined>;
  for (const key of Object.keys(rec)) {
    if (key.toLowerCase() === name) {
      const v = rec[key];
      return Array.isArray(v) ? v[0] : v;
    }
  }
  return undefined;
}

/**
 * Server-requested delay in ms from `retry-after-ms` (ms) or `retry-after` (seconds or an HTTP
 * date, relative to `wallNowMs`), capped at `capMs` (default 60 s; the transports pass
 * `Infinity` so the session can tell a huge request apart and give up instead of waiting);
 * `undefined` when absent or unparseable.
 */
export function parseRetryAfterMs(
  headers: HeaderSource | undefined,
  wallNowMs: number,
  capMs: number = RETRY_AFTER_CAP_MS,
): number | undefined {
  if (!headers) return undefined;
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '') {
    const v = Number(ms);
    if (Number.isFinite(v) && v >= 0) return Math.min(v, capMs);
  }
  const ra = header(headers, 'retry-after');
  if (ra === undefined || ra.trim() === '') return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? Math.min(secs * 1000, capMs) : undefined;
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - wallNowMs), capMs);
}
