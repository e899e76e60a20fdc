import { afterEach, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../src/protocol/server-events.js';
import { TransportError, websocketUrl } from '../../src/transport/types.js';
import {
  connectWebSocket,
  type WsConnection,
  type WsConnectOptions,
} from '../../src/transport/ws-transport.js';
import { type Clock, FakeClock, realClock } from '../../src/util/clock.js';
import {
  type MiniOptions,
  type MiniServer,
  sendAll,
  startMiniServer,
  textEvents,
} from './helpers/mini-server.js';

let server: MiniServer | null = null;
const open: WsConnection[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.terminate();
  await server?.close();
  server = null;
});

async function setup(opts: MiniOptions, clock: Clock = realClock, over: Partial<WsConnectOptions> = {}) {
  server = await startMiniServer(opts);
  const connect = () =>
    connectWebSocket({
      url: websocketUrl(server!.url),
      apiKey: 'sk-test-key-1234567890abcdefghij',
      deflate: true,
      connectTimeoutMs: 2000,
      heartbeatIntervalMs: 60_000,
      heartbeatTimeoutMs: 60_000,
      clock,
      id: 1,
      ...over,
    }).then((c) => {
      open.push(c);
      return c;
    });
  return { server, connect };
}

const until = async (pred: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timeout waiting for condition');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('WebSocket transport', () => {
  it('derives the URL from the base URL', () => {
    expect(websocketUrl('http://127.0.0.1:8787/v1')).toBe('ws://127.0.0.1:8787/v1/responses');
    expect(websocketUrl('https://api.openai.com/v1/')).toBe('wss://api.openai.com/v1/responses');
  });

  it('streams one response with Bearer auth and negotiated deflate', async () => {
    const { server, connect } = await setup({
      onCreate: ({ ws }) => sendAll(ws, textEvents('resp_1', 'hello', 3)),
    });
    const conn = await connect();
    expect(conn.deflate).toBe(true);
    expect(server.authHeaders()[0]).toBe('Bearer sk-test-key-1234567890abcdefghij');
    const seen: ServerEvent[] = [];
    const h = conn.stream(
      { type: 'response.create', input: [] },
      { onEvent: (e) => seen.push(e), idleTimeoutMs: 5000 },
    );
    const out = await h.done;
    expect(out.type).toBe('terminal');
    expect(seen.map((e) => e.type)).toContain('response.output_text.delta');
    expect(seen.at(-1)?.type).toBe('response.completed');
    expect(h.bytes).toBe(JSON.stringify({ type: 'response.create', input: [] }).length);
    expect(h.firstEventAt()).not.toBeNull();
    expect(conn.isAlive()).toBe(true);
  });

  it('does not offer deflate when disabled', async () => {
    await setup({});
    const conn = await connectWebSocket({
      url: websocketUrl(server!.url),
      apiKey: 'k',
      deflate: false,
      connectTimeoutMs: 2000,
      heartbeatIntervalMs: 60_000,
      heartbeatTimeoutMs: 60_000,
      clock: realClock,
      id: 2,
    });
    open.push(conn);
    expect(conn.deflate).toBe(false);
  });

  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [426, 'no_websocket'],
    [503, 'retryable'],
    [404, 'fatal'],
  ])('classifies a refused upgrade %i as %s', async (status, kind) => {
    const { connect } = await setup({ refuse: () => ({ status }) });
    const err = await connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).failure).toMatchObject({ kind, status, reason: 'upgrade_refused' });
    expect((err as TransportError).message).not.toContain('sk-');
  });

  it('honours retry-after-ms on a 429 upgrade', async () => {
    const { connect } = await setup({
      refuse: () => ({ status: 429, headers: { 'retry-after-ms': '1200' } }),
    });
    const err = (await connect().catch((e: unknown) => e)) as TransportError;
    expect(err.failure).toMatchObject({ kind: 'retryable', status: 429, retryAfterMs: 1200 });
  });

  it('times out an upgrade that is never answered (fake clock, R1a)', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((s) => {
      sockets.push(s);
      s.on('error', () => {});
    });
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    const clock = new FakeClock();
    try {
      const p = connectWebSocket({
        url: `ws://127.0.0.1:${port}/v1/responses`,
        apiKey: 'k',
        deflate: true,
        connectTimeoutMs: 15_000,
        heartbeatIntervalMs: 60_000,
        heartbeatTimeoutMs: 60_000,
        clock,
        id: 1,
      }).catch((e: unknown) => e);
      await until(() => sockets.length === 1);
      await clock.advance(14_999);
      let settled = false;
      void p.then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 10));
      expect(settled).toBe(false);
      await clock.advance(1);
      const err = (await p) as TransportError;
      expect(err.failure).toMatchObject({ kind: 'retryable', reason: 'connect_timeout' });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('fails fast when nothing listens', async () => {
    const { server, connect } = await setup({});
    await server.close();
    const err = (await connect().catch((e: unknown) => e)) as TransportError;
    expect(err.failure.kind).toBe('retryable');
  });

  it('detects a half-open peer with the heartbeat and terminates (fake clock)', async () => {
    const clock = new FakeClock();
    const { connect } = await setup({ autoPong: false }, clock, {
      heartbeatIntervalMs: 500,
      heartbeatTimeoutMs: 1500,
    });
    const conn = await connect();
    let died: string | undefined;
    conn.onDeath((f) => {
      died = f.reason;
    });
    await clock.advance(1999);
    expect(conn.isAlive()).toBe(true);
    await clock.advance(2);
    expect(died).toBe('heartbeat_timeout');
    expect(conn.isAlive()).toBe(false);
    await until(() => server!.sockets[0]?.readyState === 3);
  });

  it('keeps a healthy socket alive across many heartbeats (fake clock, real pongs)', async () => {
    const clock = new FakeClock();
    const { connect } = await setup({}, clock, { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 1000 });
    const conn = await connect();
    for (let i = 0; i < 10; i++) {
      await clock.advance(100);
      await new Promise((r) => setTimeout(r, 10)); // let the real pong arrive
    }
    expect(conn.isAlive()).toBe(true);
  });

  it('fails a stalled stream with the idle timeout (fake clock)', async () => {
    const clock = new FakeClock();
    const { connect } = await setup(
      { onCreate: ({ ws }) => sendAll(ws, textEvents('r', 'x').slice(0, 1)) },
      clock,
    );
    const conn = await connect();
    let events = 0;
    const h = conn.stream({ type: 'response.create' }, { onEvent: () => events++, idleTimeoutMs: 300_000 });
    await until(() => events === 1);
    await clock.advance(299_999);
    let settled = false;
    void h.done.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    await clock.advance(1);
    const out = await h.done;
    expect(out).toMatchObject({ type: 'failure', failure: { reason: 'idle_timeout', kind: 'retryable' } });
    expect(conn.isAlive()).toBe(false);
  });

  it('counts malformed frames: 2 tolerated, 3 fail the attempt', async () => {
    const { connect } = await setup({
      onCreate: ({ ws, n }) => {
        ws.send('{not json');
        ws.send(Buffer.from([1, 2, 3]), { binary: true });
        if (n === 2) ws.send('{"no":"type"}');
        sendAll(ws, textEvents(`resp_${n}`, 'ok'));
      },
    });
    const conn = await connect();
    const first = await conn.stream({ type: 'response.create' }, { onEvent: () => {}, idleTimeoutMs: 5000 })
      .done;
    expect(first.type).toBe('terminal');
    const second = await conn.stream({ type: 'response.create' }, { onEvent: () => {}, idleTimeoutMs: 5000 })
      .done;
    expect(second).toMatchObject({ type: 'failure', failure: { reason: 'malformed_frames' } });
  });

  it.each([
    [1011, 'retryable'],
    [1000, 'retryable'],
    [1008, 'fatal'],
  ])('a close %i mid-stream fails the attempt as %s', async (code, kind) => {
    const { connect } = await setup({
      onCreate: ({ ws }) => {
        sendAll(ws, textEvents('r', 'abc').slice(0, 2));
        ws.close(code);
      },
    });
    const conn = await connect();
    const out = await conn.stream({ type: 'response.create' }, { onEvent: () => {}, idleTimeoutMs: 5000 })
      .done;
    expect(out).toMatchObject({ type: 'failure', failure: { reason: 'closed', closeCode: code, kind } });
  });

  it('abort terminates the socket while streaming', async () => {
    const { server, connect } = await setup({
      onCreate: ({ ws }) => sendAll(ws, textEvents('r', 'abc').slice(0, 2)),
    });
    const conn = await connect();
    const ac = new AbortController();
    let n = 0;
    const h = conn.stream(
      { type: 'response.create' },
      { onEvent: () => ++n === 2 && ac.abort(), idleTimeoutMs: 5000, signal: ac.signal },
    );
    expect((await h.done).type).toBe('aborted');
    expect(conn.isAlive()).toBe(false);
    await until(() => server.sockets[0]?.readyState === 3);
  });

  it('never raises uncaught errors when terminated while connecting or open (R13)', async () => {
    await setup({});
    const errors: unknown[] = [];
    const onErr = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onErr);
    process.on('unhandledRejection', onErr);
    try {
      for (let i = 0; i < 100; i++) {
        const local = new AbortController();
        const p = connectWebSocket({
          url: websocketUrl(server!.url),
          apiKey: 'k',
          deflate: true,
          connectTimeoutMs: 2000,
          heartbeatIntervalMs: 60_000,
          heartbeatTimeoutMs: 60_000,
          clock: realClock,
          id: i,
          signal: local.signal,
        });
        if (i % 2 === 0) local.abort();
        const c = await p.catch(() => null);
        c?.terminate();
        c?.terminate();
        c?.close();
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onErr);
      process.off('unhandledRejection', onErr);
    }
  });
});
