/**
 * Every way the service can refuse the WebSocket upgrade, classified by status *and* error body
 * (issue 14 §2): the body's code wins, so 429 `insufficient_quota` is final (exit 3) while 429
 * `rate_limit_exceeded` waits for retry-after and tries again, exactly as over HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { userMessage } from '../../src/protocol/items.js';
import { SessionStartError } from '../../src/session/types.js';
import type { RefuseFault } from '../../src/simulator/faults.js';
import { upgradeFailure } from '../../src/transport/ws-transport.js';
import { type Rig, rig } from './helpers/harness.js';

let r: Rig | null = null;
afterEach(async () => {
  await r?.close();
  r = null;
});

const upgrades = () => r!.sim.recorder.requests().filter((q) => q.kind === 'upgrade').length;
const turn = () => r!.session.runTurn([userMessage('hi')]);

describe('a refused upgrade, by status and body', () => {
  it.each([
    [429, 'insufficient_quota', 'quota'],
    [429, 'usage_not_included', 'quota'],
    [403, 'insufficient_quota', 'quota'],
    [404, 'model_not_found', 'model'],
    [400, 'invalid_api_key', 'auth'],
  ] as const)(
    '%i %s: the turn fails at once as %s, one upgrade, no retry or fallback',
    async (status, code, kind) => {
      r = await rig({ scenario: 'plain-answer', faults: { refuseUpgrade: { status, code } } });
      const a = await turn();
      expect(a).toMatchObject({ status: 'failed', error: { kind, code } });
      expect(upgrades()).toBe(1);
      expect(r.sim.recorder.creates()).toHaveLength(0);
      expect(r.status.filter((s) => s.type === 'reconnecting' || s.type === 'fallback_http')).toEqual([]);
    },
  );

  it('429 insufficient_quota at session start: start() throws the quota error, no second upgrade', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: { refuseUpgrade: { status: 429, code: 'insufficient_quota' } },
    });
    const err = await r.session.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SessionStartError);
    expect((err as SessionStartError).turnError).toMatchObject({
      kind: 'quota',
      code: 'insufficient_quota',
      status: 429,
    });
    expect((err as Error).message).toMatch(/HTTP 429.*exceeded your current quota/);
    expect(upgrades()).toBe(1);
    // The state does not stay "connecting": the attempt is reported as failed.
    expect(r.status.at(-1)).toMatchObject({ type: 'failed', kind: 'network', status: 429 });
  });

  it('a transient refusal at session start is reported as a failed attempt, and the first turn connects again', async () => {
    r = await rig(
      { scenario: 'plain-answer', faults: { refuseUpgrade: { status: 503, times: 1 } } },
      { settings: { transport: 'websocket' } },
    );
    await r.session.start();
    expect(r.status.at(-1)).toMatchObject({ type: 'failed', kind: 'network', status: 503 });
    const a = await turn();
    expect(a.status).toBe('completed');
    expect(r.status.at(-1)?.type).not.toBe('failed');
    expect(r.status.some((s) => s.type === 'connected')).toBe(true);
  });

  it.each([
    [{ status: 429, code: 'rate_limit_exceeded', times: 1, headers: { 'retry-after-ms': '120' } }, 120],
    [{ status: 429, times: 1, headers: { 'retry-after-ms': '80' } }, 80],
    [{ status: 503, times: 1 }, undefined],
  ] as Array<[RefuseFault, number | undefined]>)(
    '%j is transient: retried (honouring retry-after) and completes',
    async (fault, delay) => {
      r = await rig(
        { scenario: 'plain-answer', faults: { refuseUpgrade: fault } },
        { settings: { transport: 'websocket' } },
      );
      const a = await turn();
      expect(a.status).toBe('completed');
      expect(a.metrics.transport).toBe('websocket');
      expect(upgrades()).toBe(2);
      const rec = r.status.find((s) => s.type === 'reconnecting');
      if (delay !== undefined) expect(rec).toMatchObject({ delayMs: delay });
      else expect(rec).toBeDefined();
    },
  );

  it.each([401, 403])('%i without a code: authentication refused, never retried', async (status) => {
    r = await rig({ scenario: 'plain-answer', faults: { refuseUpgrade: { status } } });
    const a = await turn();
    expect(a).toMatchObject({ status: 'failed', error: { kind: 'auth', status } });
    expect(upgrades()).toBe(1);
  });

  it('404 without an OpenAI error body: HTTP fallback in transport auto; "not a Responses API endpoint" when forced', async () => {
    r = await rig({ scenario: 'plain-answer', faults: { refuseUpgrade: { status: 404 } } });
    const a = await turn();
    expect(a.status).toBe('completed');
    expect(a.metrics.transport).toBe('http');
    await r.close();
    r = await rig(
      { scenario: 'plain-answer', faults: { refuseUpgrade: { status: 404 } } },
      { settings: { transport: 'websocket' } },
    );
    const b = await turn();
    expect(b).toMatchObject({ status: 'failed', error: { kind: 'request', code: 'not_responses_api' } });
    expect(b.error?.message).toMatch(/not a Responses API endpoint/);
  });

  it('classifies the body: code and message ride along; garbage or HTML bodies fall back to the status', () => {
    const clock = { wallNow: () => 0 };
    const res = (statusCode: number, headers: Record<string, string> = {}) => ({
      statusCode,
      statusMessage: 'X',
      headers,
    });
    expect(
      upgradeFailure(
        res(429),
        '{"error":{"code":"insufficient_quota","message":"You exceeded\\n your quota."}}',
        clock,
      ),
    ).toMatchObject({
      kind: 'retryable',
      code: 'insufficient_quota',
      message: 'WebSocket upgrade refused: HTTP 429 X: You exceeded your quota.',
    });
    expect(upgradeFailure(res(429, { 'retry-after': '2' }), '<html>busy</html>', clock)).toMatchObject({
      kind: 'retryable',
      retryAfterMs: 2000,
    });
    expect(upgradeFailure(res(429), '<html>busy</html>', clock).code).toBeUndefined();
    expect(upgradeFailure(res(401), '', clock)).toMatchObject({ kind: 'auth', status: 401 });
    expect(upgradeFailure(res(426), '{}', clock)).toMatchObject({ kind: 'no_websocket' });
    expect(upgradeFailure(res(500), 'null', clock)).toMatchObject({ kind: 'retryable', status: 500 });
  });
});
