/** HTTP-side faults: error statuses before streaming, cut/stalled SSE streams, handshake cost. */
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type FaultSpec, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { FakeClock } from '../../src/util/clock.js';
import { parseSse } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const BODY = JSON.stringify({ model: 'gpt-5.5', input: 'hi', stream: true, store: false });

function post(
  body = BODY,
  agent?: Agent,
): Promise<{ status: number; headers: Record<string, unknown>; text: string; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${sim!.url}/responses`);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, aborted: false }),
        );
        res.on('error', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, aborted: true }),
        );
        res.on('aborted', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, aborted: true }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function setup(faults: FaultSpec): Promise<void> {
  sim = await startSimulator({ faults, seed: 31 });
}

describe('HTTP faults', () => {
  it('500 then success (times=1)', async () => {
    await setup({ httpStatus: { status: 500, times: 1 } });
    const first = await post();
    expect(first.status).toBe(500);
    expect(JSON.parse(first.text)).toMatchObject({ error: { type: 'server_error', code: 'server_error' } });
    const second = await post();
    expect(second.status).toBe(200);
    expect(parseSse(second.text).at(-1)!.event).toBe('response.completed');
    expect(sim!.recorder.creates().map((r) => r.errorCode ?? 'ok')).toEqual(['server_error', 'ok']);
  });

  it('429 with retry-after-ms and retry-after headers', async () => {
    await setup({ httpStatus: { status: 429, request: 1, headers: { 'retry-after-ms': '750' } } });
    const res = await post();
    expect(res.status).toBe(429);
    expect(res.headers).toMatchObject({ 'retry-after-ms': '750', 'retry-after': '1' });
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
  });

  it('cuts the SSE stream after event k (terminate) without a terminal event', async () => {
    await setup({ drop: { event: 3, transport: 'http' } });
    const res = await post();
    expect(res.aborted).toBe(true);
    expect(parseSse(res.text).map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
    ]);
  });

  it('ends the SSE body early (close) after event k', async () => {
    await setup({ drop: { event: 2, mode: 'close' } });
    const res = await post();
    expect(res.aborted).toBe(false);
    expect(parseSse(res.text).map((e) => e.event)).toEqual(['response.created', 'response.in_progress']);
  });

  it('stalls the SSE stream after event k (socket stays open)', async () => {
    await setup({ stall: { event: 2 } });
    const url = `${sim!.url}/responses`;
    const ctrl = new AbortController();
    const res = await fetch(url, {
      method: 'POST',
      body: BODY,
      headers: { authorization: 'Bearer k' },
      signal: ctrl.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    const readAll = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return 'ended';
        text += Buffer.from(value).toString();
      }
    })().catch(() => 'aborted');
    await new Promise((r) => setTimeout(r, 300));
    expect(parseSse(text).map((e) => e.event)).toEqual(['response.created', 'response.in_progress']);
    ctrl.abort();
    expect(await readAll).toBe('aborted');
  });

  it('mid-stream error events are flat over SSE; response.failed is a terminal', async () => {
    await setup({
      error: [
        { request: 1, event: 2, shape: 'wrapped', code: 'server_error' },
        { request: 2, event: 2, shape: 'failed', code: 'server_error' },
      ],
    });
    const a = parseSse((await post()).text);
    expect(a.at(-1)!.event).toBe('error');
    expect(JSON.parse(a.at(-1)!.data)).toEqual({
      type: 'error',
      code: 'server_error',
      message: 'Injected server_error.',
      param: null,
      sequence_number: 2,
    });
    const b = parseSse((await post()).text);
    expect(b.at(-1)!.event).toBe('response.failed');
  });

  it('malformed data lines and unknown events over SSE', async () => {
    await setup({
      malformed: [
        { event: 1, kind: 'json' },
        { event: 2, kind: 'unknown-event' },
      ],
    });
    const events = parseSse((await post()).text);
    expect(events[1]!.data.endsWith('"delta":')).toBe(true);
    expect(events[3]!.event).toBe('response.simulator_unknown_event');
    expect(events.at(-1)!.event).toBe('response.completed');
  });

  it('charges the handshake cost only to new connections (fake clock)', async () => {
    const clock = new FakeClock();
    sim = await startSimulator({ clock, httpHandshakeMs: 300, latencyMs: 20, seed: 32 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let done = false;
    const first = post(BODY, agent).then((r) => {
      done = true;
      return r;
    });
    for (let i = 0; i < 100 && sim.recorder.creates().length === 0; i++)
      await new Promise((r) => setTimeout(r, 5));
    await clock.advance(319);
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    await clock.advance(1);
    expect((await first).status).toBe(200);
    let secondDone = false;
    const second = post(BODY, agent).then((r) => {
      secondDone = true;
      return r;
    });
    for (let i = 0; i < 100 && sim.recorder.creates().length === 1; i++)
      await new Promise((r) => setTimeout(r, 5));
    await clock.advance(20);
    expect((await second).status).toBe(200);
    expect(secondDone).toBe(true);
    const [a, b] = sim.recorder.creates();
    expect(a!.connectionId).toBe(b!.connectionId);
    agent.destroy();
  });
});
