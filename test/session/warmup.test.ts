/**
 * Issue 14 §5: the warm-up is Codex's shape (the first request's fields + `generate:false`,
 * chained from) and cannot hurt — refused: one round trip per session, reported once for the
 * user state; accepted but never answered: the first turn waits at most `warmupWaitMs` (fake
 * clock), then goes out unchained on a new socket; later sockets are not warmed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { userMessage } from '../../src/protocol/items.js';
import type { TurnResult } from '../../src/session/types.js';
import { FakeClock } from '../../src/util/clock.js';
import { FIELDS, type Rig, rig } from './helpers/harness.js';

let r: Rig | null = null;
afterEach(async () => {
  await r?.close();
  r = null;
});

const realTick = () => new Promise((res) => setTimeout(res, 5));
const warmups = () => r!.sim.recorder.creates().filter((c) => c.generate === false);
const turns = () => r!.sim.recorder.creates().filter((c) => c.generate !== false);

describe('warm-up (generate:false)', () => {
  it('accepted: the body is the first request minus its input, and the first turn chains from it', async () => {
    r = await rig({ scenario: 'plain-answer' });
    await r.session.start();
    const res = await r.session.runTurn([userMessage('hi')]);
    expect(res.status).toBe('completed');
    const [warm, first] = r.sim.recorder.creates();
    expect(warm).toMatchObject({ generate: false, inputItems: 0, previousResponseId: null });
    expect(first).toMatchObject({ previousResponseId: warm!.responseId, inputItems: 1, connectionId: 1 });
    const strip = (b: unknown) => {
      const { input: _i, generate: _g, previous_response_id: _p, ...rest } = b as Record<string, unknown>;
      return rest;
    };
    // Same model, instructions, tools, tool_choice, parallel_tool_calls, store, include, reasoning, prompt_cache_key.
    expect(strip(warm!.body)).toEqual(strip(first!.body));
    expect(strip(warm!.body)).toMatchObject({ model: FIELDS.model, prompt_cache_key: 'test-thread' });
    expect(r.sim.connectionCount()).toBe(1);
  });

  it('start() does not wait for the warm-up; a refused one is reported once and costs one round trip per session', async () => {
    const refused: string[] = [];
    r = await rig(
      { scenario: 'plain-answer', faults: { account: { refuseWarmup: true } } },
      { onWarmupRefused: (code) => refused.push(code) },
    );
    await r.session.start();
    const a = await r.session.runTurn([userMessage('one')]);
    await r.session.resetTranscript([], { warm: true }); // /new: not warmed again
    const b = await r.session.runTurn([userMessage('two')]);
    expect([a.status, b.status]).toEqual(['completed', 'completed']);
    expect(warmups()).toHaveLength(1);
    expect(warmups()[0]!.errorCode).toBe('unknown_parameter');
    expect(refused).toEqual(['unknown_parameter']);
    expect(turns().map((c) => c.previousResponseId)).toEqual([null, null]);
    expect(r.sim.connectionCount()).toBe(1); // the refusal never cost a socket
  });

  it('a gateway that ignores generate:false: the generated output is never chained from; refused and reported once', async () => {
    const refused: string[] = [];
    r = await rig(
      { scenario: 'plain-answer', faults: { account: { ignoreGenerate: true } } },
      { onWarmupRefused: (code) => refused.push(code) },
    );
    await r.session.start();
    const a = await r.session.runTurn([userMessage('one')]);
    expect(a.status).toBe('completed');
    expect(refused).toEqual(['generate_ignored']);
    // The turn is a full create: the service's hidden answer to the "warm-up" is not in its context.
    expect(turns()[0]).toMatchObject({ previousResponseId: null, inputItems: 1 });
    await r.session.resetTranscript([], { warm: true });
    expect(
      r.sim.recorder.creates().filter((c) => c.body && (c.body as { generate?: boolean }).generate === false),
    ).toHaveLength(1);
  });

  it('a warm-up failing with a rate limit is no verdict: not reported, the next socket warms again', async () => {
    const refused: string[] = [];
    r = await rig(
      {
        scenario: 'plain-answer',
        faults: {
          error: {
            request: 1,
            shape: 'failed',
            code: 'rate_limit_exceeded',
            message: 'Please try again in 20ms.',
          },
        },
      },
      { onWarmupRefused: (code) => refused.push(code) },
    );
    await r.session.start();
    expect((await r.session.runTurn([userMessage('one')])).status).toBe('completed');
    await r.session.resetTranscript([], { warm: true });
    await r.session.whenIdle?.();
    expect(refused).toEqual([]);
    expect(warmups()).toHaveLength(2);
  });

  it('settings.warmup=false (or a refusal remembered for this base URL + model): no warm-up at all', async () => {
    r = await rig({ scenario: 'plain-answer' }, { settings: { warmup: false } });
    await r.session.start();
    await r.session.runTurn([userMessage('one')]);
    expect(warmups()).toHaveLength(0);
    expect(turns()).toHaveLength(1);
  });

  it('accepted but never answered: the ready turn waits warmupWaitMs (fake clock), not streamIdleTimeoutMs, then goes unchained on a new socket', async () => {
    const clock = new FakeClock();
    const refused: string[] = [];
    r = await rig(
      { scenario: 'plain-answer', faults: { account: { silentWarmup: true } } },
      {
        clock,
        settings: {
          warmupWaitMs: 1_500,
          streamIdleTimeoutMs: 300_000,
          connectTimeoutMs: 100_000_000,
          heartbeatIntervalMs: 10_000_000,
        },
        onWarmupRefused: (code) => refused.push(code),
      },
    );
    await r.session.start();
    while (warmups().length === 0) await realTick();
    const t0 = clock.now();
    let done: TurnResult | null = null;
    void r.session.runTurn([userMessage('hi')]).then((x) => {
      done = x;
    });
    let sentAt = -1;
    for (let i = 0; i < 1_000 && !done; i++) {
      if (sentAt < 0 && turns().length > 0) sentAt = clock.now();
      await clock.advance(100);
      await realTick();
    }
    expect(done).not.toBeNull();
    expect(done!.status).toBe('completed');
    if (sentAt < 0) sentAt = clock.now();
    // Sent once the bound passed (a new handshake costs a few fake steps of real I/O), never
    // anywhere near the 300 s idle timeout that bounded it before.
    expect(sentAt - t0).toBeGreaterThanOrEqual(1_500);
    expect(sentAt - t0).toBeLessThan(10_000);
    expect(turns()).toHaveLength(1);
    expect(turns()[0]).toMatchObject({ previousResponseId: null, connectionId: 2 });
    expect(r.sim.connectionCount()).toBe(2);
    expect(refused).toEqual([]); // a slow answer may be transient: not remembered
    // The rest of the session is not warmed (a /new included) and is not delayed again.
    await r.session.resetTranscript([], { warm: true });
    let second: TurnResult | null = null;
    void r.session.runTurn([userMessage('again')]).then((x) => {
      second = x;
    });
    const t1 = clock.now();
    for (let i = 0; i < 1_000 && !second; i++) await realTick();
    expect(second).not.toBeNull();
    expect(clock.now()).toBe(t1); // no fake time had to pass
    expect(warmups()).toHaveLength(1);
  });

  it('a warm-up silent past the idle timeout (nobody waiting): the next turn goes on a new socket with no retry, and the session stops warming', async () => {
    const clock = new FakeClock();
    r = await rig(
      { scenario: 'plain-answer', faults: { account: { silentWarmup: true } } },
      {
        clock,
        settings: {
          streamIdleTimeoutMs: 10_000,
          connectTimeoutMs: 100_000_000,
          heartbeatIntervalMs: 10_000_000,
        },
      },
    );
    await r.session.start();
    while (warmups().length === 0) await realTick();
    await clock.advance(10_001); // the warm-up's idle timeout passes; the turn below runs in frozen time
    await r.session.whenIdle?.();
    const a = await r.session.runTurn([userMessage('hi')]);
    expect(a.status).toBe('completed');
    expect(a.metrics.attempts).toBe(1);
    expect(r.status.filter((s) => s.type === 'reconnecting')).toHaveLength(0);
    expect(turns()[0]).toMatchObject({ previousResponseId: null, connectionId: 2 });
    await r.session.resetTranscript([], { warm: true });
    expect(warmups()).toHaveLength(1); // not warmed again this session
  });

  it('a turn cancelled while waiting for the warm-up ends cancelled at once', async () => {
    const clock = new FakeClock();
    r = await rig(
      { scenario: 'plain-answer', faults: { account: { silentWarmup: true } } },
      {
        clock,
        settings: { warmupWaitMs: 60_000, connectTimeoutMs: 100_000_000, heartbeatIntervalMs: 10_000_000 },
      },
    );
    await r.session.start();
    const ac = new AbortController();
    const p = r.session.runTurn([userMessage('hi')], { signal: ac.signal });
    await realTick();
    ac.abort();
    expect((await p).status).toBe('cancelled');
    expect(turns()).toHaveLength(0);
  });
});
