/** Gen-2 `stream_id` lanes (§1.7, §2.3): FIFO per lane, concurrent across lanes, forks, limits. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { FakeClock } from '../../src/util/clock.js';
import { createOnce, type Ev, RawWs, responseId, user } from './helpers.js';

let sim: Simulator | undefined;
let c: RawWs | undefined;
afterEach(async () => {
  c?.close();
  await sim?.close();
  sim = undefined;
});

const create = (lane: string | undefined, extra: Record<string, unknown> = {}) => ({
  type: 'response.create',
  model: 'gpt-5.6',
  store: false,
  input: [user('x')],
  ...(lane ? { stream_id: lane } : {}),
  ...extra,
});
const completedOn = (ev: Ev[], lane: string) =>
  ev.filter((e) => e.type === 'response.completed' && e['stream_id'] === lane);

describe('lanes', () => {
  it('runs different lanes concurrently and keeps each lane FIFO', async () => {
    sim = await startSimulator({
      scenario: {
        name: 'mixed',
        turns: [
          { when: { user: 'long' }, steps: [{ say: { generate: 'markdown', chars: 20000 } }] },
          { steps: [{ say: 'short' }] },
        ],
      },
      seed: 101,
    });
    c = await RawWs.open(sim.url);
    c.send(create('a', { input: [user('long one')] }));
    c.send(create('b', { input: [user('short one')] }));
    c.send(create('a', { input: [user('short two')] }));
    await c.until(() => c!.events().filter((e) => e.type === 'response.completed').length === 3);
    const ev = c.events();
    const order = ev.filter((e) => e.type === 'response.completed').map((e) => e['stream_id']);
    expect(order[0]).toBe('b'); // the short lane-b answer overtakes lane a's long one
    const aCreated = ev
      .map((e, i) => [e, i] as const)
      .filter(([e]) => e.type === 'response.created' && e['stream_id'] === 'a');
    const aFirstDone = ev.findIndex((e) => e.type === 'response.completed' && e['stream_id'] === 'a');
    expect(aCreated[1]![1]).toBeGreaterThan(aFirstDone); // lane a is FIFO
    expect(ev.every((e) => typeof e['stream_id'] === 'string')).toBe(true);
  });

  it('a new lane can fork from another lane’s latest response; a failed fork keeps the parent', async () => {
    sim = await startSimulator({ seed: 102 });
    c = await RawWs.open(sim.url);
    const main = await createOnce(c, { stream_id: 'main', input: [user('a')] });
    const fork = await createOnce(c, {
      stream_id: 'fork',
      previous_response_id: responseId(main),
      input: [user('b')],
    });
    expect(completedOn(fork, 'fork')).toHaveLength(1);
    const badFork = await createOnce(c, {
      stream_id: 'fork2',
      previous_response_id: responseId(main),
      input: [{ type: 'function_call_output', call_id: 'nope', output: '' }],
    });
    expect(badFork[0]).toMatchObject({ type: 'error', stream_id: 'fork2' });
    const cont = await createOnce(c, {
      stream_id: 'main',
      previous_response_id: responseId(main),
      input: [user('c')],
    });
    expect(completedOn(cont, 'main')).toHaveLength(1);
  });

  it('the 33rd distinct named lane is refused with websocket_stream_limit_reached', async () => {
    sim = await startSimulator({ seed: 103 });
    c = await RawWs.open(sim.url);
    for (let i = 1; i <= 32; i++) c.send(create(`lane_${i}`));
    await c.until(() => c!.events().filter((e) => e.type === 'response.completed').length === 32);
    const refused = await createOnce(c, { stream_id: 'lane_33' });
    expect(refused).toEqual([
      expect.objectContaining({
        type: 'error',
        status: 400,
        stream_id: 'lane_33',
        error: expect.objectContaining({ code: 'websocket_stream_limit_reached', param: 'stream_id' }),
      }),
    ]);
    expect(completedOn(await createOnce(c, { stream_id: 'lane_7' }), 'lane_7')).toHaveLength(1);
    expect((await createOnce(c, {})).at(-1)!.type).toBe('response.completed'); // the default lane does not count
  });

  it('at most 16 responses are in flight per connection; the rest wait', async () => {
    const clock = new FakeClock();
    sim = await startSimulator({ clock, eventDelayMs: 50, seed: 104 });
    c = await RawWs.open(sim.url);
    for (let i = 1; i <= 17; i++) c.send(create(`l${i}`));
    await c.until(() => c!.events().filter((e) => e.type === 'response.created').length >= 16);
    await new Promise((r) => setTimeout(r, 50));
    expect(c.events().filter((e) => e.type === 'response.created')).toHaveLength(16);
    for (let i = 0; i < 100 && c.events().filter((e) => e.type === 'response.completed').length < 17; i++) {
      await clock.advance(50);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(c.events().filter((e) => e.type === 'response.completed')).toHaveLength(17);
  });
});
