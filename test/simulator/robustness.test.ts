/** Malformed client input never crashes the simulator: documented error events, connection keeps serving. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { createOnce, type Ev, RawWs, SHELL_TOOL, user } from './helpers.js';

let sim: Simulator;
let bystander: RawWs;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'tool-loop-20', seed: 51 });
  bystander = await RawWs.open(sim.url);
});
afterAll(async () => {
  bystander.close();
  await sim.close();
});

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

async function reply(c: RawWs, frame: string | Buffer): Promise<Ev> {
  const from = c.events().length;
  if (typeof frame === 'string') c.ws.send(frame);
  else c.ws.send(frame, { binary: true });
  await c.until(() =>
    c
      .events()
      .slice(from)
      .some((e) => TERMINAL.has(e.type)),
  );
  return c
    .events()
    .slice(from)
    .find((e) => TERMINAL.has(e.type))!;
}

const BAD_FRAMES: Array<[string, string]> = [
  ['invalid JSON', '{"type":"response.create",'],
  ['a number', '42'],
  ['an array', '[1,2,3]'],
  ['null', 'null'],
  ['no type', '{"model":"gpt-5.5"}'],
  ['unknown type', '{"type":"response.cancel"}'],
  ['steer (unsupported)', '{"type":"response.steer","previous_response_id":"resp_1","input":"x"}'],
  ['input is a number', '{"type":"response.create","model":"m","input":5}'],
  ['input item not an object', '{"type":"response.create","model":"m","input":[1]}'],
  [
    'message without role',
    '{"type":"response.create","model":"m","input":[{"type":"message","content":"x"}]}',
  ],
  [
    'output without call_id',
    '{"type":"response.create","model":"m","input":[{"type":"function_call_output","output":"x"}]}',
  ],
  ['missing model', '{"type":"response.create","input":[]}'],
  [
    'previous_response_id not a string',
    '{"type":"response.create","model":"m","previous_response_id":123,"input":[]}',
  ],
  ['background over WS', '{"type":"response.create","model":"m","background":true,"input":[]}'],
];

describe('malformed client frames', () => {
  it.each(BAD_FRAMES)(
    '%s → wrapped 400 invalid_request_error, connection still serves',
    async (_name, frame) => {
      const c = await RawWs.open(sim.url);
      const ev = await reply(c, frame);
      expect(ev).toMatchObject({
        type: 'error',
        status: 400,
        error: { type: 'invalid_request_error', message: expect.any(String) },
      });
      const ok = await createOnce(c, { input: [user('go')], tools: [SHELL_TOOL] });
      expect(ok.at(-1)!.type).toBe('response.completed');
      c.close();
    },
  );

  it('binary frame → wrapped 400 and the connection keeps serving', async () => {
    const c = await RawWs.open(sim.url);
    const ev = await reply(c, Buffer.from([1, 2, 3]));
    expect(ev).toMatchObject({ type: 'error', status: 400, error: { type: 'invalid_request_error' } });
    expect((await createOnce(c, { input: [user('go')] })).at(-1)!.type).toBe('response.completed');
    c.close();
  });

  it('random response.create bodies (fast-check) never crash it; other connections keep working', async () => {
    const c = await RawWs.open(sim.url);
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(
            'model',
            'input',
            'tools',
            'previous_response_id',
            'store',
            'include',
            'generate',
            'context_management',
            'stream_id',
            'max_output_tokens',
            'instructions',
          ),
          fc.jsonValue({ maxDepth: 3 }),
        ),
        async (fields) => {
          const ev = await reply(c, JSON.stringify({ type: 'response.create', ...fields }));
          expect(TERMINAL.has(ev.type)).toBe(true);
        },
      ),
      { numRuns: 150, seed: 5150 },
    );
    expect(c.closed).toBeUndefined();
    expect((await createOnce(bystander, { input: [user('still there?')] })).at(-1)!.type).toBe(
      'response.completed',
    );
    c.close();
  });

  it('a client that disconnects mid-stream does not disturb the server', async () => {
    sim.setScenario('long-markdown');
    const c = await RawWs.open(sim.url);
    c.send({ type: 'response.create', model: 'm', input: [user('x')] });
    await c.until(() => c.events().length > 5);
    c.close();
    expect((await createOnce(bystander, { input: [user('ok?')] })).at(-1)!.type).toBe('response.completed');
    sim.setScenario('tool-loop-20');
  });
});
