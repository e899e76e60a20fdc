import { afterEach, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../src/protocol/server-events.js';
import { postJson, postSse } from '../../src/transport/http-transport.js';
import { type Clock, FakeClock, realClock } from '../../src/util/clock.js';
import {
  type MiniOptions,
  type MiniServer,
  startMiniServer,
  textEvents,
  writeSse,
} from './helpers/mini-server.js';

let server: MiniServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function post(opts: MiniOptions, clock: Clock = realClock, idleTimeoutMs = 5000) {
  server = await startMiniServer(opts);
  const seen: ServerEvent[] = [];
  const h = postSse(
    { model: 'm', input: [], stream: true },
    {
      baseUrl: server.url,
      apiKey: 'sk-abc',
      connectTimeoutMs: 2000,
      clock,
      onEvent: (e) => seen.push(e),
      idleTimeoutMs,
    },
  );
  return { h, seen };
}

describe('HTTP+SSE transport', () => {
  it('streams events from POST /responses', async () => {
    const { h, seen } = await post({ onPost: (_b, res) => writeSse(res, textEvents('resp_h', 'hello', 2)) });
    expect((await h.done).type).toBe('terminal');
    expect(seen.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(server!.requests[0]).toMatchObject({ stream: true });
    expect(server!.authHeaders()[0]).toBe('Bearer sk-abc');
  });

  it('handles byte-split chunks and comments', async () => {
    const { h, seen } = await post({
      onPost: (_b, res) => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        const text = textEvents('r', 'héllo 👋')
          .map((e) => `: ping\r\nevent: x\r\ndata: ${JSON.stringify(e)}\r\n\r\n`)
          .join('');
        const bytes = Buffer.from(text);
        let i = 0;
        const tick = () => {
          if (i >= bytes.length) return res.end();
          res.write(bytes.subarray(i, i + 7));
          i += 7;
          setImmediate(tick);
        };
        tick();
      },
    });
    expect((await h.done).type).toBe('terminal');
    expect(seen.find((e) => e.type === 'response.output_text.delta')).toMatchObject({ delta: 'héllo 👋' });
  });

  it.each([
    [401, 'auth'],
    [429, 'retryable'],
    [400, 'fatal'],
  ])('classifies HTTP %i as %s with the error body', async (status, kind) => {
    const { h } = await post({
      onPost: (_b, res) => {
        res.writeHead(status, { 'Content-Type': 'application/json', 'retry-after': '2' });
        res.end(JSON.stringify({ error: { message: 'nope', code: 'some_code' } }));
      },
    });
    const out = await h.done;
    expect(out).toMatchObject({
      type: 'failure',
      failure: { kind, status, code: 'some_code', retryAfterMs: 2000 },
    });
  });

  it('fails when the stream ends before a terminal event', async () => {
    const { h } = await post({ onPost: (_b, res) => writeSse(res, textEvents('r', 'abc').slice(0, 3)) });
    expect(await h.done).toMatchObject({
      type: 'failure',
      failure: { reason: 'stream_ended', kind: 'retryable' },
    });
  });

  it('fails a stalled stream with the idle timeout (fake clock)', async () => {
    const clock = new FakeClock();
    const { h, seen } = await post(
      { onPost: (_b, res) => writeSse(res, textEvents('r', 'abc').slice(0, 1), false) },
      clock,
      1000,
    );
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    await clock.advance(1000);
    expect(await h.done).toMatchObject({ type: 'failure', failure: { reason: 'idle_timeout' } });
  });

  it('postJson returns the parsed body or a classified failure', async () => {
    server = await startMiniServer({
      onPost: (body, res) => {
        if (body['model'] === 'bad') {
          res.writeHead(403);
          res.end('{}');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ok: true }));
      },
    });
    expect(
      await postJson(
        'responses/compact',
        { model: 'm' },
        { baseUrl: server.url, apiKey: 'k', clock: realClock },
      ),
    ).toEqual({ ok: true, value: { ok: true } });
    expect(
      await postJson(
        'responses/compact',
        { model: 'bad' },
        { baseUrl: server.url, apiKey: 'k', clock: realClock },
      ),
    ).toMatchObject({ ok: false, failure: { kind: 'auth' } });
  });
});
