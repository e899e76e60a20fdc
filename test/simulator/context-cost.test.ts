/**
 * The service-side context cost (`contextCostUsPerToken`, PROTOCOL §2.3/§7): a WebSocket
 * continuation of the response cached on its socket pays for its new items only; a full-context
 * create (HTTP with store:false, a first request on a socket) and a store:true hydration on
 * another socket pay for the whole context. A recording clock captures the charged waits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { type Clock, realClock } from '../../src/util/clock.js';
import { createOnce, RawWs, responseId, user } from './helpers.js';

let sim: Simulator | undefined;
const clients: RawWs[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

const INSTRUCTIONS = 'x'.repeat(4000); // ≈ 1,000 tokens of instructions

/** A clock whose sleeps resolve at once and are recorded. */
function recordingClock(): { clock: Clock; sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: {
      ...realClock,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
  };
}

async function conn(): Promise<RawWs> {
  const c = await RawWs.open(sim!.url);
  clients.push(c);
  return c;
}

async function httpCreate(body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sim!.url}/responses`, {
    method: 'POST',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.5', stream: true, ...body }),
  });
  await res.text();
}

describe('context cost (connection-local cache vs full context)', () => {
  it('0 (the default) charges nothing', async () => {
    const rec = recordingClock();
    sim = await startSimulator({ clock: rec.clock, seed: 5 });
    const c = await conn();
    await createOnce(c, { instructions: INSTRUCTIONS, input: [user('a')] });
    expect(rec.sleeps).toEqual([]);
  });

  it('a cached continuation pays for its new items; full context and hydration pay for everything', async () => {
    const rec = recordingClock();
    // 1000 µs per token = 1 ms per token: waits read directly as token counts.
    sim = await startSimulator({ clock: rec.clock, seed: 5, contextCostUsPerToken: 1000 });
    const c = await conn();
    const first = await createOnce(c, { instructions: INSTRUCTIONS, input: [user('a')], store: true });
    const full = rec.sleeps.at(-1) as number;
    expect(full).toBeGreaterThan(1000); // instructions + the message
    const cont = await createOnce(c, {
      instructions: INSTRUCTIONS,
      previous_response_id: responseId(first),
      input: [user('b')],
      store: true,
    });
    const cached = rec.sleeps.at(-1) as number;
    expect(cached).toBeGreaterThan(0);
    expect(cached).toBeLessThan(100); // only the new message
    // Changed instructions are re-processed even on the cached path.
    await createOnce(c, {
      instructions: `${INSTRUCTIONS}!`,
      previous_response_id: responseId(cont),
      input: [user('c')],
      store: true,
    });
    expect(rec.sleeps.at(-1) as number).toBeGreaterThan(1000);
    // Another socket: not in its cache, so store:true hydrates the whole chain.
    const other = await conn();
    await createOnce(other, {
      instructions: INSTRUCTIONS,
      previous_response_id: responseId(cont),
      input: [user('d')],
      store: true,
    });
    expect(rec.sleeps.at(-1) as number).toBeGreaterThan(full);
    // HTTP with store:false sends and pays for the full context every time.
    await httpCreate({ instructions: INSTRUCTIONS, input: [user('a'), user('b')], store: false });
    expect(rec.sleeps.at(-1) as number).toBeGreaterThan(full);
  });

  it('the context-cost fault flag sets it too', async () => {
    const rec = recordingClock();
    sim = await startSimulator({ clock: rec.clock, seed: 5, faults: { contextCostUsPerToken: 1000 } });
    await httpCreate({ instructions: INSTRUCTIONS, input: 'hi', store: false });
    expect(rec.sleeps.some((ms) => ms > 1000)).toBe(true);
  });
});
