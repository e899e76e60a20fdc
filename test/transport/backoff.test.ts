import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  JITTER_MIN,
  parseRetryAfterMs,
  RETRY_AFTER_CAP_MS,
} from '../../src/transport/backoff.js';
import { seededRandom } from '../../src/util/random.js';

describe('backoffDelayMs', () => {
  it('doubles from the base and caps at the max', () => {
    const one = () => 0.9999999;
    const p = { baseMs: 200, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, p, one))).toEqual([200, 400, 800, 1000, 1000]);
  });

  it('applies jitter within [0.75, 1.0]', () => {
    const p = { baseMs: 1000, maxMs: 8000 };
    expect(backoffDelayMs(1, p, () => 0)).toBe(750);
    expect(backoffDelayMs(1, p, () => 0.5)).toBe(875);
  });

  it('property: within jitter bounds, never above the cap, non-decreasing un-jittered envelope', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, base, max, r) => {
          const d = backoffDelayMs(n, { baseMs: base, maxMs: max }, () => r);
          const raw = Math.min(base * 2 ** (n - 1), max);
          expect(d).toBeGreaterThanOrEqual(Math.floor(raw * JITTER_MIN) - 1);
          expect(d).toBeLessThanOrEqual(Math.ceil(raw));
          expect(d).toBeLessThanOrEqual(max + 1);
          const upper = backoffDelayMs(n + 1, { baseMs: base, maxMs: max }, () => 1);
          expect(upper).toBeGreaterThanOrEqual(Math.round(raw * 1) - 1);
        },
      ),
    );
  });

  it('is replayable with a seeded random', () => {
    const p = { baseMs: 100, maxMs: 5000 };
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = [1, 2, 3, 4].map((n) => backoffDelayMs(n, p, a));
    const ys = [1, 2, 3, 4].map((n) => backoffDelayMs(n, p, b));
    expect(xs).toEqual(ys);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.UTC(2026, 0, 1);
  it('prefers retry-after-ms', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': '1200', 'retry-after': '9' }, now)).toBe(1200);
  });
  it('parses seconds and HTTP dates, case-insensitively', () => {
    expect(parseRetryAfterMs({ 'Retry-After': '3' }, now)).toBe(3000);
    expect(parseRetryAfterMs({ 'retry-after': new Date(now + 5000).toUTCString() }, now)).toBe(5000);
  });
  it('caps at 60 s and ignores garbage', () => {
    expect(parseRetryAfterMs({ 'retry-after': '3600' }, now)).toBe(RETRY_AFTER_CAP_MS);
    expect(parseRetryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfterMs({}, now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });
  it('reads a fetch Headers object', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
  });
});
