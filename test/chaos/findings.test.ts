/**
 * Regression tests for bugs the chaos/fuzz/security suite found in other parts of tether.
 * Each test asserts the correct behaviour, so it fails until the bug is fixed; FINDINGS.md in
 * this folder describes each one (id, where, why it matters, suggested fix).
 */
import { describe, expect, it } from 'vitest';
import { type ErrorEvent, errorOf, parseServerEvent } from '../../src/protocol/server-events.js';
import { redact } from '../../src/util/redact.js';

describe('findings', () => {
  it('F1: an error frame with non-string code/message is normalised to strings (or rejected)', () => {
    const frames = [
      '{"type":"error","status":500,"error":{"code":-8e-280,"message":"x"}}',
      '{"type":"error","status":500,"error":{"code":"server_error","message":{"nested":true}}}',
      '{"type":"error","code":42,"message":["a"]}',
    ];
    for (const f of frames) {
      const r = parseServerEvent(f);
      if (!r.ok) continue; // rejecting with a clear error is also acceptable
      const d = errorOf(r.event as ErrorEvent);
      expect(typeof d.message).toBe('string');
      expect(d.code === null || typeof d.code === 'string').toBe(true);
    }
  });

  it('F2: redact() is linear on long alphanumeric runs (no quadratic URL-credential regex)', () => {
    // 60k letters took ~4 s with the unanchored `[a-z][a-z0-9+.-]*://` scheme pattern; linear
    // scanning takes a few ms. Tool outputs (hex dumps, long single-line blobs) hit this path
    // because every JSONL line and session record goes through redact().
    const text = 'a'.repeat(60_000);
    const t0 = performance.now();
    redact(text);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
