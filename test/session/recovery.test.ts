/** Recovery paths against the simulator: fallback, auth, half-open, stall, malformed frames, 429. */
import { afterEach, describe, expect, it } from 'vitest';
import { userMessage } from '../../src/protocol/items.js';
import { TetherError } from '../../src/util/errors.js';
import { EXIT } from '../../src/util/exit-codes.js';
import { answerText, type Rig, rig, Screen } from './helpers/harness.js';

let r: Rig | null = null;
afterEach(async () => {
  await r?.close();
  r = null;
});

const turn = (text: string, screen?: Screen) =>
  r!.session.runTurn([userMessage(text)], screen ? { onEvent: screen.onEvent } : {});
const upgrades = () => r!.sim.recorder.requests().filter((q) => q.kind === 'upgrade').length;
const count = (type: string) => r!.status.filter((s) => s.type === type).length;

describe('HTTP+SSE fallback', () => {
  it('upgrade refused with 426 → the conversation completes over HTTP+SSE with one warning', async () => {
    r = await rig({ scenario: 'plain-answer', faults: { refuseUpgrade: { status: 426 } } });
    await r.session.start();
    const screen = new Screen();
    const a = await turn('one', screen);
    const b = await turn('two');
    expect(a.status).toBe('completed');
    expect(b.status).toBe('completed');
    expect(screen.text).toBe(answerText(a));
    expect(a.metrics.transport).toBe('http');
    expect(count('fallback_http')).toBe(1);
    expect(r.session.status()).toMatchObject({ transport: 'http', fellBack: true });
    const creates = r.sim.recorder.creates();
    expect(creates.every((c) => c.transport === 'http' && c.previousResponseId === null)).toBe(true);
    expect(creates.map((c) => c.inputItems)).toEqual([1, 3]); // full input every turn
    expect(upgrades()).toBe(1);
  });

  it('WebSocket setup failing twice before any event → HTTP', async () => {
    r = await rig({ scenario: 'plain-answer', faults: { refuseUpgrade: { status: 503 } } });
    const a = await turn('one');
    expect(a.status).toBe('completed');
    expect(a.metrics.transport).toBe('http');
    expect(upgrades()).toBe(2);
    expect(count('fallback_http')).toBe(1);
  });

  it('re-probes the WebSocket after fallbackReprobeTurns HTTP turns', async () => {
    r = await rig(
      { scenario: 'plain-answer', faults: { refuseUpgrade: { status: 426, times: 1 } } },
      { settings: { fallbackReprobeTurns: 2 } },
    );
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await turn(`t${i}`));
    expect(results.map((x) => x.metrics.transport)).toEqual(['http', 'http', 'websocket', 'websocket']);
    expect(results.every((x) => x.status === 'completed')).toBe(true);
    expect(r.status.some((s) => s.type === 'recovered' && s.transport === 'websocket')).toBe(true);
    expect(results[3]?.metrics.incremental).toBe(true);
  });

  it('transport:websocket forces the socket (426 fails, no HTTP)', async () => {
    r = await rig(
      { scenario: 'plain-answer', faults: { refuseUpgrade: { status: 426 } } },
      { settings: { transport: 'websocket' } },
    );
    const a = await turn('one');
    expect(a.status).toBe('failed');
    expect(a.error?.kind).toBe('network');
    expect(r.sim.recorder.creates()).toHaveLength(0);
  });

  it('transport:http never opens a socket', async () => {
    r = await rig({ scenario: 'plain-answer' }, { settings: { transport: 'http' } });
    await r.session.start();
    expect((await turn('one')).status).toBe('completed');
    expect(upgrades()).toBe(0);
    expect(count('fallback_http')).toBe(0);
  });

  it('a non-recoverable close (1008) mid-stream: replayed over HTTP in auto mode, failed when forced', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: { drop: { request: 1, event: 3, mode: 'close', code: 1008 } },
    });
    const screen = new Screen();
    const a = await turn('one', screen);
    expect(a).toMatchObject({ status: 'completed', metrics: { transport: 'http', attempts: 2 } });
    expect(screen.text).toBe(answerText(a));
    expect(count('fallback_http')).toBe(1);
    await r.close();
    r = await rig(
      { scenario: 'plain-answer', faults: { drop: { request: 1, event: 3, mode: 'close', code: 1008 } } },
      { settings: { transport: 'websocket' } },
    );
    const b = await turn('one');
    expect(b).toMatchObject({ status: 'failed', error: { kind: 'network' } });
    expect(b.error?.message).toMatch(/1008/);
  });

  it('a socket that worked and then goes half-open before any event is reconnected, not abandoned', async () => {
    r = await rig(
      { scenario: 'plain-answer', faults: { halfOpen: { request: [2, 3], event: 0 } } },
      { settings: { heartbeatIntervalMs: 30, heartbeatTimeoutMs: 60, streamIdleTimeoutMs: 60_000 } },
    );
    await turn('one');
    const a = await turn('two');
    expect(a.status).toBe('completed');
    expect(a.metrics.transport).toBe('websocket');
    expect(count('fallback_http')).toBe(0);
  });

  it('a dropped SSE stream is retried over HTTP', async () => {
    r = await rig(
      { scenario: 'plain-answer', faults: { drop: { request: 1, event: 3 } } },
      { settings: { transport: 'http' } },
    );
    const screen = new Screen();
    const a = await turn('one', screen);
    expect(a.status).toBe('completed');
    expect(a.metrics.attempts).toBe(2);
    expect(screen.text).toBe(answerText(a));
  });
});

describe('authentication', () => {
  it('401 on the upgrade → error kind auth, no retries', async () => {
    r = await rig({ scenario: 'plain-answer' }, { apiKey: 'sk-wrong-key-000000000000000000000' });
    const a = await turn('one');
    expect(a.status).toBe('failed');
    expect(a.error?.kind).toBe('auth');
    expect(a.error?.message).not.toContain('sk-wrong');
    expect(upgrades()).toBe(1);
    expect(count('reconnecting')).toBe(0);
    expect(count('fallback_http')).toBe(0);
  });

  it('start() throws an auth TetherError (exit code 3)', async () => {
    r = await rig({ scenario: 'plain-answer' }, { apiKey: 'sk-wrong-key-000000000000000000000' });
    const err = await r.session.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TetherError);
    expect((err as TetherError).exitCode).toBe(EXIT.auth);
  });

  it('401 over HTTP → auth, no retries', async () => {
    r = await rig(
      { scenario: 'plain-answer' },
      { apiKey: 'sk-wrong-key-000000000000000000000', settings: { transport: 'http' } },
    );
    const a = await turn('one');
    expect(a.error?.kind).toBe('auth');
    expect(a.metrics.attempts).toBe(1);
    expect(count('reconnecting')).toBe(0);
  });
});

describe('dead connections', () => {
  it('half-open peer: detected by the heartbeat, reconnected, turn completes', async () => {
    r = await rig(
      { scenario: 'plain-answer', faults: { halfOpen: { request: 2, event: 2 } } },
      { settings: { heartbeatIntervalMs: 50, heartbeatTimeoutMs: 150, streamIdleTimeoutMs: 60_000 } },
    );
    await turn('one');
    const screen = new Screen();
    const t0 = Date.now();
    const a = await turn('two', screen);
    expect(a.status).toBe('completed');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(a.metrics.attempts).toBe(2);
    expect(screen.text).toBe(answerText(a));
    const rec = r.status.find((s) => s.type === 'reconnecting');
    expect(rec && rec.type === 'reconnecting' && rec.reason).toMatch(/pong|half-open/);
    expect(r.sim.connectionCount()).toBe(2);
  });

  it('stalled stream: detected by the idle timeout, retried on a fresh connection with a full create', async () => {
    r = await rig(
      { scenario: 'plain-answer', faults: { stall: { request: 2, event: 2 } } },
      { settings: { streamIdleTimeoutMs: 200 } },
    );
    await turn('one');
    const a = await turn('two');
    expect(a.status).toBe('completed');
    const rec = r.status.find((s) => s.type === 'reconnecting');
    expect(rec && rec.type === 'reconnecting' && rec.reason).toMatch(/idle/);
    expect(r.sim.connectionCount()).toBe(2);
    expect(r.sim.recorder.creates().at(-1)).toMatchObject({
      connectionId: 2,
      previousResponseId: null,
      inputItems: 3,
    });
  });

  it('three malformed frames fail the attempt; it is retried; two are tolerated', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: {
        malformed: [
          { request: 1, event: 1, kind: 'json' },
          { request: 1, event: 2, kind: 'binary' },
          { request: 2, event: 1, kind: 'json' },
          { request: 2, event: 2, kind: 'binary' },
          { request: 2, event: 3, kind: 'json' },
        ],
      },
    });
    const a = await turn('one');
    expect(a).toMatchObject({ status: 'completed', metrics: { attempts: 1 } });
    const b = await turn('two');
    expect(b).toMatchObject({ status: 'completed', metrics: { attempts: 2 } });
    const rec = r.status.find((s) => s.type === 'reconnecting');
    expect(rec && rec.type === 'reconnecting' && rec.reason).toMatch(/malformed/);
  });

  it('429 wrapped error: retried after the server-requested delay', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: {
        error: {
          request: 1,
          shape: 'wrapped',
          status: 429,
          code: 'rate_limit_exceeded',
          message: 'slow down',
          headers: { 'retry-after-ms': '60' },
        },
      },
    });
    const a = await turn('one');
    expect(a.status).toBe('completed');
    const rec = r.status.find((s) => s.type === 'reconnecting');
    expect(rec).toMatchObject({ type: 'reconnecting', attempt: 1, delayMs: 60 });
  });

  it('429 on the upgrade: the next handshake waits for retry-after-ms (R1c)', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: { refuseUpgrade: { status: 429, times: 1, headers: { 'retry-after-ms': '300' } } },
    });
    const t0 = Date.now();
    const a = await turn('one');
    expect(a.status).toBe('completed');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(r.status.find((s) => s.type === 'reconnecting')).toMatchObject({ delayMs: 300 });
    expect(upgrades()).toBe(2);
  });

  it('400 invalid_request_error: surfaced, not retried', async () => {
    r = await rig({
      scenario: 'plain-answer',
      faults: { error: { request: 1, shape: 'wrapped', status: 400, code: 'invalid_value', message: 'bad' } },
    });
    const a = await turn('one');
    expect(a).toMatchObject({ status: 'failed', error: { kind: 'request', code: 'invalid_value' } });
    expect(r.sim.recorder.creates()).toHaveLength(1);
  });

  it('unreachable server: network error after the retry budget', async () => {
    r = await rig({ scenario: 'plain-answer' }, { settings: { transport: 'websocket', maxRetries: 3 } });
    await r.sim.close();
    const a = await turn('one');
    expect(a).toMatchObject({ status: 'failed', error: { kind: 'network' } });
    expect(count('reconnecting')).toBe(3);
    expect(
      r.status.filter((s) => s.type === 'reconnecting').map((s) => (s.type === 'reconnecting' ? s.max : 0)),
    ).toEqual([3, 3, 3]);
  });
});
