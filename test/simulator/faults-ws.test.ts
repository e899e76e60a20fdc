/** Every WebSocket-side fault is produced exactly as specified. */

import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type FaultSpec, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { FakeClock } from '../../src/util/clock.js';
import { createOnce, RawWs, responseId, user } from './helpers.js';

let sim: Simulator | undefined;
const clients: RawWs[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

async function setup(
  faults: FaultSpec,
  scenario = 'plain-answer',
  extra: Parameters<typeof startSimulator>[0] = {},
): Promise<RawWs> {
  sim = await startSimulator({ scenario, faults, seed: 21, ...extra });
  const c = await RawWs.open(sim.url);
  clients.push(c);
  return c;
}

function send(c: RawWs, body: Record<string, unknown> = {}): void {
  c.send({ type: 'response.create', model: 'gpt-5.5', store: false, input: [user('hi')], ...body });
}

/** Opens an upgrade and reports the refusal (status + headers) or 'open'. */
function tryUpgrade(
  url: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string } | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/responses`, {
      headers: { Authorization: 'Bearer sk-test' },
    });
    ws.on('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    ws.on('error', (err) => {
      if (!String(err).includes('Unexpected server response')) reject(err);
    });
  });
}

describe('drop', () => {
  it('terminates after event k: the client sees 1006 and exactly k events', async () => {
    const c = await setup({ drop: { event: 4, mode: 'terminate' } });
    send(c);
    await c.until(() => false, 5000).catch(() => undefined);
    expect(c.closed?.code).toBe(1006);
    expect(c.events().map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
  });

  it('closes with the given code, only on the targeted request', async () => {
    const c = await setup({ drop: { request: 2, event: 2, mode: 'close', code: 1011 } });
    expect((await createOnce(c, {})).at(-1)!.type).toBe('response.completed');
    send(c);
    await c.until(() => false, 5000).catch(() => undefined);
    expect(c.closed?.code).toBe(1011);
    expect(
      c
        .events()
        .slice(-2)
        .map((e) => e.type),
    ).toEqual(['response.created', 'response.in_progress']);
    const second = await RawWs.open(sim!.url);
    clients.push(second);
    expect((await createOnce(second, {})).at(-1)!.type).toBe('response.completed');
  });

  it('can drop after the terminal event (response completed, socket lost before the next create)', async () => {
    const c = await setup({ drop: { event: 9, mode: 'terminate' } }, 'tool-loop-20');
    send(c, { tools: [] });
    await c.until(() => false, 5000).catch(() => undefined);
    expect(c.events().at(-1)!.type).toBe('response.completed');
    expect(c.closed?.code).toBe(1006);
  });
});

describe('stall and half-open', () => {
  it('stall: stops after event k but still answers pings', async () => {
    const c = await setup({ stall: { event: 3 } });
    send(c);
    await c.until(() => c.events().length >= 3);
    const pong = new Promise<boolean>((resolve) => {
      c.ws.once('pong', () => resolve(true));
      setTimeout(() => resolve(false), 3000);
    });
    c.ws.ping();
    expect(await pong).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.events()).toHaveLength(3);
    expect(c.closed).toBeUndefined();
  });

  it('half-open: stops sending and no longer answers pings', async () => {
    const c = await setup({ halfOpen: { event: 2 } });
    const pongs: number[] = [];
    c.ws.on('pong', () => pongs.push(1));
    c.ws.ping();
    await new Promise<void>((r) => c.ws.once('pong', () => r()));
    send(c);
    await c.until(() => c.events().length >= 2);
    c.ws.ping();
    await new Promise((r) => setTimeout(r, 300));
    expect(pongs).toHaveLength(1);
    expect(c.events()).toHaveLength(2);
  });
});

describe('refused upgrades', () => {
  it.each([426, 401, 503])('refuses with %i', async (status) => {
    sim = await startSimulator({ faults: { refuseUpgrade: { status } }, seed: 22 });
    const r = await tryUpgrade(sim.url);
    expect(r).toMatchObject({ status });
    expect(sim.connectionCount()).toBe(0);
  });

  it('429 carries retry-after-ms / retry-after and only the first N are refused', async () => {
    sim = await startSimulator({
      faults: { refuseUpgrade: { status: 429, times: 2, headers: { 'retry-after-ms': '1200' } } },
      seed: 23,
    });
    const first = await tryUpgrade(sim.url);
    expect(first).toMatchObject({ status: 429, headers: { 'retry-after-ms': '1200', 'retry-after': '1' } });
    expect(await tryUpgrade(sim.url)).toMatchObject({ status: 429 });
    expect(await tryUpgrade(sim.url)).toBe('open');
    expect(sim.connectionCount()).toBe(1);
    expect(
      sim.recorder
        .requests()
        .filter((r) => r.kind === 'upgrade')
        .map((r) => r.errorCode ?? 'ok'),
    ).toEqual(['upgrade_refused_429', 'upgrade_refused_429', 'ok']);
  });
});

describe('malformed frames', () => {
  it.each(['json', 'binary', 'unknown-event'] as const)(
    'injects a %s frame mid-stream and keeps streaming',
    async (kind) => {
      const c = await setup({ malformed: { event: 2, kind } });
      send(c);
      await c.until(() => c.events().some((e) => e.type === 'response.completed'));
      const odd = c.frames[2]!;
      if (kind === 'binary') expect(odd.binary).toBeInstanceOf(Buffer);
      else if (kind === 'json') expect(odd.event).toBeUndefined();
      else expect(odd.event?.type).toBe('response.simulator_unknown_event');
      expect(c.frames[1]!.event?.type).toBe('response.in_progress');
      expect(c.frames[3]!.event?.type).toBe('response.output_item.added');
    },
  );
});

describe('error events', () => {
  it('wrapped error with status and headers ends the response and evicts the parent', async () => {
    const c = await setup({
      error: {
        request: 2,
        event: 2,
        shape: 'wrapped',
        status: 429,
        code: 'rate_limit_exceeded',
        headers: { 'retry-after-ms': '500' },
      },
    });
    const first = await createOnce(c, {});
    const failed = await createOnce(c, { previous_response_id: responseId(first), input: [user('again')] });
    expect(failed.at(-1)).toMatchObject({
      type: 'error',
      status: 429,
      error: { code: 'rate_limit_exceeded', headers: { 'retry-after-ms': '500' } },
    });
    const retry = await createOnce(c, { previous_response_id: responseId(first), input: [user('again')] });
    expect(retry).toEqual([
      expect.objectContaining({
        type: 'error',
        error: expect.objectContaining({ code: 'previous_response_not_found' }),
      }),
    ]);
  });

  it('flat mid-stream error and response.failed shapes', async () => {
    const c = await setup({
      error: [
        { request: 1, event: 3, shape: 'flat', code: 'server_error' },
        { request: 2, event: 2, shape: 'failed', code: 'server_error' },
      ],
    });
    const flat = await createOnce(c, {});
    expect(flat.at(-1)).toMatchObject({ type: 'error', code: 'server_error', sequence_number: 3 });
    const failed = await createOnce(c, {});
    expect(failed.at(-1)).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed', error: { code: 'server_error' } },
    });
    expect(failed.at(-1)!['response']).toMatchObject({ id: responseId(failed) });
  });
});

describe('chain faults', () => {
  it('prevNotFound every 2 fails every second chained request', async () => {
    const c = await setup({ prevNotFound: { every: 2 } });
    const a = await createOnce(c, {});
    const b = await createOnce(c, { previous_response_id: responseId(a), input: [user('2')] });
    expect(b.at(-1)!.type).toBe('response.completed');
    const d = await createOnce(c, { previous_response_id: responseId(b), input: [user('3')] });
    expect(d[0]).toMatchObject({
      type: 'error',
      status: 400,
      error: { code: 'previous_response_not_found' },
    });
  });
});

describe('timing (fake clock)', () => {
  it('connection age limit: error websocket_connection_limit_reached, then close 1000', async () => {
    const clock = new FakeClock();
    const c = await setup({ ageLimitMs: 3000 }, 'plain-answer', { clock });
    await clock.advance(2999);
    expect(c.events()).toHaveLength(0);
    await clock.advance(1);
    await c.until(() => c.closed !== undefined);
    expect(c.events()).toEqual([
      expect.objectContaining({
        type: 'error',
        status: 400,
        error: expect.objectContaining({ code: 'websocket_connection_limit_reached' }),
      }),
    ]);
    expect(c.closed?.code).toBe(1000);
  });

  it('latency before the first event and a delay between events', async () => {
    const clock = new FakeClock();
    const c = await setup({}, 'plain-answer', { clock, latencyMs: 200, eventDelayMs: 10 });
    send(c);
    await c.until(() => sim!.recorder.creates().length === 1);
    await clock.advance(199);
    await new Promise((r) => setTimeout(r, 30));
    expect(c.events()).toHaveLength(0);
    await clock.advance(1);
    await c.until(() => c.events().length >= 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(c.events()).toHaveLength(1);
    await clock.advance(10);
    await c.until(() => c.events().length >= 2);
    for (let i = 0; i < 200 && !c.events().some((e) => e.type === 'response.completed'); i++) {
      await clock.advance(10);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(c.events().at(-1)!.type).toBe('response.completed');
  });

  it('new-connection handshake cost delays the upgrade', async () => {
    const clock = new FakeClock();
    sim = await startSimulator({ clock, httpHandshakeMs: 500, seed: 24 });
    let opened = false;
    const p = RawWs.open(sim.url).then((c) => {
      opened = true;
      clients.push(c);
    });
    await new Promise((r) => setTimeout(r, 50));
    await clock.advance(499);
    await new Promise((r) => setTimeout(r, 30));
    expect(opened).toBe(false);
    await clock.advance(1);
    await p;
    expect(opened).toBe(true);
  });
});

describe('fault sources', () => {
  it('scenario faults apply alongside server faults; setFaults replaces the server’s and restarts counters', async () => {
    const c = await setup(
      { error: { request: 1, shape: 'wrapped', status: 503, code: 'server_error' } },
      'plain-answer',
      {
        scenario: {
          name: 'with-faults',
          faults: { drop: { request: 2, event: 1, mode: 'close', code: 1012 } },
          turns: [{ steps: [{ say: 'hi' }] }],
        },
      },
    );
    expect((await createOnce(c, {}))[0]).toMatchObject({ type: 'error', status: 503 });
    send(c);
    await c.until(() => c.closed !== undefined);
    expect(c.closed?.code).toBe(1012);
    sim!.setFaults({ error: { request: 3, times: 1, shape: 'flat', code: 'server_error' } });
    const d = await RawWs.open(sim!.url);
    clients.push(d);
    expect((await createOnce(d, {})).at(-1)).toMatchObject({ type: 'error', code: 'server_error' });
    expect((await createOnce(d, {})).at(-1)!.type).toBe('response.completed');
  });
});
