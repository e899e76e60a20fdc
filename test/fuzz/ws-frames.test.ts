/**
 * Fuzz (R13) at the socket boundary: a raw `ws` server answers every `response.create` with a
 * generated frame sequence — valid events interleaved with arbitrary text, arbitrary binary
 * frames, truncated and type-confused JSON, sometimes no terminal event or an abrupt close. The
 * real session controller always settles the turn (completed / incomplete / failed), never
 * throws, never leaves an unhandled rejection, and completed text is exactly the valid deltas'.
 */
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { isMessage, messageText, userMessage } from '../../src/protocol/items.js';
import { createSessionController } from '../../src/session/controller.js';
import { anyText, fuzzParams } from '../helpers/chaos-fc.js';

type Frame =
  | { kind: 'text'; data: string }
  | { kind: 'binary'; data: Uint8Array }
  | { kind: 'close'; code: number }
  | { kind: 'terminate' };

let wss: WebSocketServer;
let port = 0;
/** The frames the server sends for the next request. */
let script: Frame[] = [];

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  port = (wss.address() as AddressInfo).port;
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    ws.on('message', (raw) => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(String(raw)) as Record<string, unknown>;
      } catch {
        return;
      }
      if (body['generate'] === false) {
        // Warm-ups complete normally so every turn meets the fuzzed script.
        ws.send(
          JSON.stringify({
            type: 'response.created',
            response: { id: 'resp_w', status: 'in_progress', output: [] },
          }),
        );
        ws.send(
          JSON.stringify({
            type: 'response.completed',
            response: { id: 'resp_w', status: 'completed', output: [] },
          }),
        );
        return;
      }
      for (const f of script) {
        if (ws.readyState !== ws.OPEN) break;
        if (f.kind === 'text') ws.send(f.data);
        else if (f.kind === 'binary') ws.send(f.data, { binary: true });
        else if (f.kind === 'close') ws.close(f.code);
        else ws.terminate();
      }
    });
  });
});

afterAll(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(() => r(undefined)));
});

const ev = (o: Record<string, unknown>) => JSON.stringify(o);

/** A valid response: created, deltas of `text`, the message item, completed. */
function validEvents(text: string[]): string[] {
  const full = text.join('');
  const item = {
    type: 'message',
    id: 'msg_1',
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text: full }],
  };
  return [
    ev({
      type: 'response.created',
      sequence_number: 0,
      response: { id: 'resp_1', status: 'in_progress', output: [] },
    }),
    ev({
      type: 'response.output_item.added',
      output_index: 0,
      item: { ...item, status: 'in_progress', content: [] },
    }),
    ...text.map((d) =>
      ev({
        type: 'response.output_text.delta',
        item_id: 'msg_1',
        output_index: 0,
        content_index: 0,
        delta: d,
      }),
    ),
    ev({ type: 'response.output_item.done', output_index: 0, item }),
    ev({
      type: 'response.completed',
      response: {
        id: 'resp_1',
        status: 'completed',
        output: [item],
        usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 },
      },
    }),
  ];
}

const garbage: fc.Arbitrary<Frame> = fc.oneof(
  anyText(40).map((data): Frame => ({ kind: 'text', data })),
  fc.uint8Array({ maxLength: 32 }).map((data): Frame => ({ kind: 'binary', data })),
  fc
    .constantFrom(
      '{"type":"response.output_text.delta","delta":',
      '{"type":5}',
      '{"type":"response.completed"}',
      '{"type":"response.output_text.delta","item_id":"msg_1","delta":null}',
      '{"type":"error"}',
      '{"type":"response.future_event","x":1}',
      '[]',
      'null',
    )
    .map((data): Frame => ({ kind: 'text', data })),
);

const scriptArb = fc
  .record({
    text: fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
    noise: fc.array(fc.tuple(fc.nat(), garbage), { maxLength: 4 }),
    ending: fc.constantFrom('complete', 'complete', 'complete', 'cut', 'close', 'terminate'),
    cutAt: fc.nat(),
  })
  .map(({ text, noise, ending, cutAt }) => {
    let frames: Frame[] = validEvents(text).map((data) => ({ kind: 'text', data }));
    for (const [pos, g] of noise) frames.splice(pos % (frames.length + 1), 0, g);
    if (ending !== 'complete') {
      frames = frames.slice(0, cutAt % frames.length);
      if (ending === 'close') frames.push({ kind: 'close', code: 1011 });
      if (ending === 'terminate') frames.push({ kind: 'terminate' });
    }
    return { frames, text: text.join(''), clean: noise.length === 0 && ending === 'complete' };
  });

describe('fuzz: arbitrary frames at the WebSocket boundary', () => {
  it('every turn settles, nothing throws, completed text is exact', async () => {
    const errors: unknown[] = [];
    const onErr = (e: unknown) => errors.push(e);
    process.on('unhandledRejection', onErr);
    process.on('uncaughtException', onErr);
    const session = createSessionController({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      apiKey: 'sk-fuzz-0123456789abcdefghijklmnop',
      request: { model: 'gpt-5.5', instructions: 'x', store: false },
      settings: {
        transport: 'websocket',
        wsDeflate: false,
        connectTimeoutMs: 1000,
        rotationAgeMs: 55 * 60_000,
        heartbeatIntervalMs: 30_000,
        heartbeatTimeoutMs: 30_000,
        streamIdleTimeoutMs: 200,
        maxRetries: 0,
        backoffBaseMs: 1,
        backoffMaxMs: 2,
        fallbackReprobeTurns: 10,
      },
    });
    try {
      await fc.assert(
        fc.asyncProperty(scriptArb, async (s) => {
          script = s.frames;
          const r = await session.runTurn([userMessage('go')]);
          expect(['completed', 'incomplete', 'failed']).toContain(r.status);
          if (r.status === 'failed') expect(r.error?.message ?? '').not.toBe('');
          if (s.clean) expect(r.status).toBe('completed');
          if (r.status === 'completed') {
            const texts = r.output.flatMap((it) => (isMessage(it) ? [messageText(it)] : []));
            expect(texts.join('')).toBe(s.text);
          }
        }),
        fuzzParams(150, 61),
      );
    } finally {
      await session.close();
      process.off('unhandledRejection', onErr);
      process.off('uncaughtException', onErr);
    }
    expect(errors).toEqual([]);
  }, 120_000);
});
