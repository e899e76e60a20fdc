import { afterEach, describe, expect, it } from 'vitest';
import { answerText, type Rig, rig, toolLoop } from './helpers/harness.js';

let r: Rig | null = null;
afterEach(async () => {
  await r?.close();
  r = null;
});

describe('20-turn tool loop on one socket', () => {
  it('uses one connection, chains every continuation with only new items, constant bytes', async () => {
    r = await rig({ scenario: 'tool-loop-20' });
    await r.session.start();
    const results = await toolLoop(r.session, 'run the twenty steps');
    expect(results).toHaveLength(21);
    expect(results.every((x) => x.status === 'completed')).toBe(true);
    expect(answerText(results.at(-1)!)).toContain('Ran 20 steps');
    expect(r.sim.connectionCount()).toBe(1);

    const creates = r.sim.recorder.creates();
    expect(creates).toHaveLength(22); // warm-up + 21 model calls
    expect(creates[0]?.generate).toBe(false);
    for (let i = 1; i < creates.length; i++) {
      const c = creates[i]!;
      expect(c.connectionId).toBe(1);
      expect(c.previousResponseId).toBe(creates[i - 1]?.responseId);
      expect(c.inputItems).toBe(1); // the user message, then one function_call_output each
    }
    // Bytes per continuation do not grow with the conversation length.
    const cont = creates.slice(2).map((c) => c.bytes);
    expect(Math.max(...cont) - Math.min(...cont)).toBeLessThan(64);
    expect(results.slice(1).every((x) => x.metrics.incremental && x.metrics.inputItemsSent === 1)).toBe(true);
    // With deflate negotiated a continuation costs a few hundred bytes on the wire.
    const wire = creates.slice(2).map((c) => c.wireBytes ?? Number.POSITIVE_INFINITY);
    expect(Math.max(...wire)).toBeLessThan(400);
    expect(Math.max(...cont)).toBeGreaterThan(1000); // uncompressed: instructions + tools every time
    // The transcript holds every item: user message, 20 calls + 20 outputs, final answer.
    expect(r.session.transcript()).toHaveLength(42);
  });

  it('sends full frames when deflate is off', async () => {
    r = await rig({ scenario: 'tool-loop-20' }, { settings: { wsDeflate: false } });
    await r.session.start();
    await toolLoop(r.session, 'go', {}, 3);
    const c = r.sim.recorder.creates().slice(2);
    expect(c.length).toBeGreaterThan(0);
    for (const x of c) expect(x.wireBytes).toBeGreaterThanOrEqual(x.bytes);
  });
});
