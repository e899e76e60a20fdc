import { afterEach, describe, expect, it } from 'vitest';
import { functionCallOutput, type Item, isFunctionCall, userMessage } from '../../src/protocol/items.js';
import { FakeClock } from '../../src/util/clock.js';
import { pump, type Rig, rig } from './helpers/harness.js';

let r: Rig | null = null;
afterEach(async () => {
  await r?.close();
  r = null;
});

describe('rotation before the connection age limit', () => {
  it('30 turns a second apart with a 3 s limit: zero failures, rotations between turns, warm incremental chains', async () => {
    const clock = new FakeClock();
    r = await rig(
      { scenario: 'plain-answer', clock, connectionAgeLimitMs: 3000 },
      { clock, settings: { rotationAgeMs: 2000 } },
    );
    await r.session.start();
    const latencies: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await pump(clock, r.session.runTurn([userMessage(`turn ${i}`)]));
      expect(res.status, `turn ${i}: ${res.error?.message}`).toBe('completed');
      expect(res.metrics.incremental).toBe(true);
      expect(res.metrics.attempts).toBe(1);
      latencies.push(res.metrics.durationMs);
      await clock.advance(1000);
      await pump(clock, r.session.whenIdle?.() ?? Promise.resolve());
    }
    const snap = r.session.status();
    expect(snap.rotations).toBeGreaterThanOrEqual(14);
    expect(
      r.status.filter((s) => s.type === 'rotated').every((s) => s.type === 'rotated' && s.reason === 'age'),
    ).toBe(true);
    expect(r.status.some((s) => s.type === 'reconnecting' || s.type === 'rechained')).toBe(false);

    const creates = r.sim.recorder.creates();
    expect(creates.some((c) => c.errorCode)).toBe(false);
    const byConn = new Map<number, typeof creates>();
    for (const c of creates) byConn.set(c.connectionId, [...(byConn.get(c.connectionId) ?? []), c]);
    expect(byConn.size).toBe(snap.connections);
    for (const [, list] of byConn) {
      // every socket starts with a full-context warm-up, then continues incrementally from it
      expect(list[0]?.generate).toBe(false);
      expect(list[0]?.previousResponseId).toBeNull();
      for (let i = 1; i < list.length; i++) expect(list[i]?.previousResponseId).toBe(list[i - 1]?.responseId);
    }
    // every socket was retired before the server's limit
    for (const [id, list] of byConn) {
      const last = list.at(-1)!;
      const first = list[0]!;
      if (id !== snap.connections) expect(last.at - first.at).toBeLessThan(3000);
    }
    // the rotation's warm-up carried the full transcript
    const lastWarm = creates.filter((c) => c.generate === false).at(-1)!;
    expect(lastWarm.inputItems).toBeGreaterThan(20);
    // no added latency: every turn took no fake-clock time at all
    expect(Math.max(...latencies)).toBeLessThan(100);
  });

  it('without rotation the server limit is recovered from transparently (connection_limit)', async () => {
    const clock = new FakeClock();
    r = await rig(
      { scenario: 'plain-answer', clock, connectionAgeLimitMs: 3000 },
      { clock, settings: { rotationAgeMs: 3_600_000 } },
    );
    await r.session.start();
    for (let i = 0; i < 8; i++) {
      // the server may close the socket while a turn is being sent: recovery backs off on the fake clock
      const res = await pump(clock, r.session.runTurn([userMessage(`turn ${i}`)]));
      expect(res.status).toBe('completed');
      await clock.advance(1000);
    }
    expect(r.sim.connectionCount()).toBeGreaterThan(1);
    // a socket the server closed between turns is replaced; the next create is full (store:false)
    const creates = r.sim.recorder.creates();
    const firstOnConn2 = creates.find((c) => c.connectionId === 2)!;
    expect(firstOnConn2.previousResponseId).toBeNull();
    expect(firstOnConn2.inputItems).toBeGreaterThan(1);
  });

  it('rotates during a tool loop without ever warming dangling calls (F4)', async () => {
    const clock = new FakeClock();
    r = await rig(
      { scenario: 'tool-loop-20', clock, connectionAgeLimitMs: 3000 },
      { clock, settings: { rotationAgeMs: 2000 } },
    );
    await r.session.start();
    let next: Item[] = [userMessage('go')];
    for (let i = 0; i < 21; i++) {
      const res = await pump(clock, r.session.runTurn(next));
      expect(res.status, `call ${i}: ${res.error?.message}`).toBe('completed');
      expect(res.metrics.attempts).toBe(1);
      // the agent runs the tool for 700 ms (a rotation may start and finish meanwhile)
      await clock.advance(700);
      await pump(clock, r.session.whenIdle?.() ?? Promise.resolve());
      next = res.output.filter(isFunctionCall).map((c) => functionCallOutput(c.call_id, 'ok'));
      if (next.length === 0) break;
    }
    expect(r.session.status().rotations).toBeGreaterThanOrEqual(5);
    const creates = r.sim.recorder.creates();
    expect(creates.filter((c) => c.errorCode)).toEqual([]);
    expect(r.status.some((s) => s.type === 'reconnecting' || s.type === 'rechained')).toBe(false);
    // after each rotation the first turn continues from the warm-up, sending the calls + outputs
    let checked = 0;
    for (const [i, c] of creates.entries()) {
      const after = creates[i + 1];
      if (c.generate !== false || i === 0 || !after) continue;
      expect(after.previousResponseId).toBe(c.responseId);
      expect(after.connectionId).toBe(c.connectionId);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('a socket the server closes between turns is replaced and warmed in the background', async () => {
    r = await rig(
      { scenario: 'plain-answer', connectionAgeLimitMs: 300 },
      { settings: { rotationAgeMs: 3_600_000 } },
    );
    await r.session.start();
    expect((await r.session.runTurn([userMessage('one')])).status).toBe('completed');
    const warmed = () => r!.status.filter((s) => s.type === 'warmed').length;
    const end = Date.now() + 5000;
    while (warmed() < 2 && Date.now() < end) await new Promise((res) => setTimeout(res, 10));
    expect(warmed()).toBe(2);
    await r.session.whenIdle?.();
    const res = await r.session.runTurn([userMessage('two')]);
    expect(res).toMatchObject({
      status: 'completed',
      metrics: { attempts: 1, incremental: true, inputItemsSent: 1 },
    });
    const creates = r.sim.recorder.creates();
    const warm = creates.at(-2)!;
    expect(warm).toMatchObject({ connectionId: 2, generate: false, inputItems: 2 }); // 'one' + its answer
    expect(creates.at(-1)).toMatchObject({ connectionId: 2, previousResponseId: warm.responseId });
    expect(r.status.some((s) => s.type === 'reconnecting')).toBe(false);
  });
});

/** A fake clock whose timers fire 1 ms early, as Node's may by performance.now(). */
class EarlyClock extends FakeClock {
  override setTimeout(fn: () => void, ms: number) {
    return super.setTimeout(fn, ms > 1 ? ms - 1 : ms);
  }
}

describe('rotation timer', () => {
  it('rotates an idle socket even when its timer fires slightly early', async () => {
    const clock = new EarlyClock();
    r = await rig({ scenario: 'plain-answer', clock }, { clock, settings: { rotationAgeMs: 150 } });
    await r.session.start();
    const res = await pump(clock, r.session.runTurn([userMessage('one turn')]));
    expect(res.status).toBe('completed');
    await clock.advance(500);
    await pump(clock, r.session.whenIdle?.() ?? Promise.resolve());
    expect(r.session.status().rotations).toBe(1);
  });
});
