/** Stall and half-open detection at the real default timeouts, driven by a fake clock (R2, R3). */
import { afterEach, describe, expect, it } from 'vitest';
import { userMessage } from '../../src/protocol/items.js';
import type { TurnResult } from '../../src/session/types.js';
import { FakeClock } from '../../src/util/clock.js';
import { answerText, type Rig, rig, Screen } from './helpers/harness.js';

let r: Rig | null = null;
afterEach(async () => {
  await r?.close();
  r = null;
});

/** Real I/O (the reconnect) is slow in fake time; keep the connect timeout out of the way. */
const FAR = 100_000_000;
const realTick = () => new Promise((res) => setTimeout(res, 10));

/** Runs a turn whose first attempt goes silent after 2 events; returns the fake time it took to recover. */
async function silentThenRecover(
  clock: FakeClock,
  stepMs: number,
): Promise<{ res: TurnResult; fakeMs: number; screen: Screen }> {
  const screen = new Screen();
  // fake time at which the session gave up on the silent attempt (real I/O after it costs fake steps)
  let detectedAt = -1;
  const off = r!.session.subscribe((s) => {
    if (s.type === 'reconnecting' && detectedAt < 0) detectedAt = clock.now();
  });
  let events = 0;
  let done: TurnResult | null = null;
  void r!.session
    .runTurn([userMessage('two')], {
      onEvent: (e) => {
        if (e.type === 'event') events++;
        screen.onEvent(e);
      },
    })
    .then((x) => {
      done = x;
    });
  while (events < 2) await realTick();
  const t0 = clock.now();
  for (let i = 0; i < 10_000 && !done; i++) {
    await clock.advance(stepMs);
    await realTick();
  }
  off();
  expect(done).not.toBeNull();
  expect(detectedAt).toBeGreaterThanOrEqual(0);
  return { res: done!, fakeMs: detectedAt - t0, screen };
}

describe('timeouts on a fake clock', () => {
  it('a stalled stream (pings still answered) is abandoned after streamIdleTimeoutMs = 300 s', async () => {
    const clock = new FakeClock();
    r = await rig(
      { scenario: 'plain-answer', faults: { stall: { request: 2, event: 2 } } },
      // heartbeat effectively off: this test isolates the idle timeout
      {
        clock,
        settings: {
          connectTimeoutMs: FAR,
          streamIdleTimeoutMs: 300_000,
          heartbeatIntervalMs: 10_000_000,
          heartbeatTimeoutMs: 10_000,
        },
      },
    );
    await r.session.runTurn([userMessage('one')]);
    const { res, fakeMs, screen } = await silentThenRecover(clock, 5_000);
    expect(res.status).toBe('completed');
    expect(fakeMs).toBeGreaterThanOrEqual(295_000);
    expect(fakeMs).toBeLessThanOrEqual(305_000);
    expect(screen.text).toBe(answerText(res));
    expect(screen.resets).toBe(1);
    expect(r.sim.connectionCount()).toBe(2);
  });

  it('a half-open peer is terminated after interval + pong deadline, long before the idle timeout', async () => {
    const clock = new FakeClock();
    r = await rig(
      { scenario: 'plain-answer', faults: { halfOpen: { request: 2, event: 2 } } },
      {
        clock,
        settings: {
          connectTimeoutMs: FAR,
          streamIdleTimeoutMs: 300_000,
          heartbeatIntervalMs: 15_000,
          heartbeatTimeoutMs: 10_000,
        },
      },
    );
    await r.session.runTurn([userMessage('one')]);
    const { res, fakeMs } = await silentThenRecover(clock, 1_000);
    expect(res.status).toBe('completed');
    expect(fakeMs).toBeLessThanOrEqual(25_000);
    expect(fakeMs).toBeGreaterThanOrEqual(10_000);
    const rec = r.status.find((s) => s.type === 'reconnecting');
    expect(rec && rec.type === 'reconnecting' && rec.reason).toMatch(/pong/);
  });
});
