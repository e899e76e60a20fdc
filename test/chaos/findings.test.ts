/**
 * Regression tests for bugs the chaos/fuzz/security suite found in other parts of tether.
 * Each test asserts the correct behaviour, so it fails until the bug is fixed; FINDINGS.md in
 * this folder describes each one (id, where, why it matters, suggested fix).
 */
import { describe, expect, it } from 'vitest';
import type { RequestFields } from '../../src/protocol/client-events.js';
import { isFunctionCall, userMessage } from '../../src/protocol/items.js';
import { type ErrorEvent, errorOf, parseServerEvent } from '../../src/protocol/server-events.js';
import { createSessionController } from '../../src/session/controller.js';
import { startSimulator } from '../../src/simulator/index.js';
import { runProcess } from '../../src/tools/exec/run-process.js';
import { liveGroups } from '../../src/tools/index.js';
import { realClock } from '../../src/util/clock.js';
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
    // 30k letters take ~1 s (60k ~4 s) with the unanchored `[a-z][a-z0-9+.-]*://` scheme pattern; linear
    // scanning takes a few ms. Tool outputs (hex dumps, long single-line blobs) hit this path
    // because every JSONL line and session record goes through redact().
    const text = 'a'.repeat(30_000);
    const t0 = performance.now();
    redact(text);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('F4: a background rotation never warms a socket with calls that have no output yet', async () => {
    const key = 'sk-findings-0123456789abcdefghijklmn';
    const sim = await startSimulator({ apiKey: key, scenario: 'side-effects', seed: 4 });
    const fields: RequestFields = {
      model: 'gpt-5.5',
      instructions: 'test',
      tools: [
        {
          type: 'function',
          name: 'shell',
          description: 'run',
          parameters: {
            type: 'object',
            properties: { command: { type: 'string' } },
            required: ['command'],
            additionalProperties: false,
          },
          strict: true,
        },
      ],
      store: false,
    };
    const session = createSessionController({
      baseUrl: sim.url,
      apiKey: key,
      request: fields,
      settings: {
        transport: 'websocket',
        wsDeflate: false,
        connectTimeoutMs: 2000,
        rotationAgeMs: 100,
        heartbeatIntervalMs: 30_000,
        heartbeatTimeoutMs: 30_000,
        streamIdleTimeoutMs: 5000,
        maxRetries: 2,
        backoffBaseMs: 5,
        backoffMaxMs: 20,
        fallbackReprobeTurns: 10,
      },
    });
    try {
      await session.start();
      await new Promise((r) => setTimeout(r, 150)); // the socket is now due for rotation
      const turn = await session.runTurn([userMessage('append the markers')]);
      expect(turn.output.some(isFunctionCall)).toBe(true);
      // The tool is "running" now; the rotation started after the turn must not send the
      // transcript with this call and no output (the service answers 400).
      await session.whenIdle?.();
      await new Promise((r) => setTimeout(r, 100));
      const rejected = sim.recorder.creates().filter((c) => c.errorCode === 'invalid_request_error');
      expect(rejected.map((c) => c.seq)).toEqual([]);
    } finally {
      await session.close();
      await sim.close();
    }
  });

  it('F10: a tool process group is forgotten once it is gone, even when its pipes outlived the drain', async () => {
    // A backgrounded grandchild holds stdout past the 250 ms drain, so finish() keeps the group
    // registered (by design, for exit cleanup) — but nothing ever removes it after the group
    // dies, so the registry leaks and a later kill(-pgid) may hit a reused pgid.
    let pid = 0;
    const r = await runProcess({
      file: 'sh',
      args: ['-c', 'sleep 0.4 & echo hi'],
      cwd: process.cwd(),
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      timeoutMs: 5000,
      inactivityTimeoutMs: 5000,
      maxChars: 1000,
      spillDir: '/tmp',
      toolName: 'shell',
      signal: new AbortController().signal,
      clock: realClock,
      onSpawn: (p) => {
        pid = p;
      },
    });
    expect(r.output).toContain('hi');
    // Wait until the whole group is certainly gone (the sleep ends at ~0.4 s).
    for (let i = 0; i < 40; i++) {
      try {
        process.kill(-pid, 0);
      } catch {
        break;
      }
      await new Promise((res) => setTimeout(res, 50));
    }
    await new Promise((res) => setTimeout(res, 300));
    expect(liveGroups()).not.toContain(pid);
  });
});
