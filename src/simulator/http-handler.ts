/**
 * The HTTP side (§6.2, §7): `POST {base}/responses` (SSE when `stream:true`, JSON otherwise),
 * `POST {base}/responses/compact`, `GET {base}/models`. Pre-stream failures are ordinary HTTP
 * statuses with `{"error":{message,type,param,code}}`; mid-stream failures are flat `error` events.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SIM_MODELS } from './account.js';
import type { ApiError } from './conversation.js';
import { injectedErrorEvent, injectedFailedEvent, resolveFaults } from './faults.js';
import type { ServerContext } from './server-context.js';
import { type EventSink, streamEvents } from './streamer.js';

/** Largest request body accepted (bytes). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Writes a JSON error response. */
export function sendHttpError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) return void res.end();
  const body = JSON.stringify({
    error: { message: err.message, type: err.type, param: err.param, code: err.code },
  });
  res.writeHead(err.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(err.headers ?? {}),
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(undefined));
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Handles one authenticated HTTP request under the base path (`route` excludes it). */
export async function handleHttp(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  meta: { connectionId: number; headers: Record<string, string>; freshConnection: boolean },
): Promise<void> {
  const base = { transport: 'http' as const, connectionId: meta.connectionId, headers: meta.headers };
  const handshake = meta.freshConnection ? ctx.httpHandshakeMs() : 0;
  if (req.method === 'GET' && route === '/models') {
    ctx.recorder.add({ ...base, kind: 'models', at: ctx.clock.now(), bytes: 0, body: null, inputItems: 0 });
    if (handshake > 0) await ctx.clock.sleep(handshake);
    const body = JSON.stringify({
      object: 'list',
      data: SIM_MODELS.map((id) => ({
        id,
        object: 'model',
        created: 1_760_000_000,
        owned_by: 'tether-simulator',
      })),
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(body);
  }
  const isCreate = req.method === 'POST' && route === '/responses';
  const isCompact = req.method === 'POST' && route === '/responses/compact';
  if (!isCreate && !isCompact) {
    ctx.recorder.add({
      ...base,
      kind: 'other',
      at: ctx.clock.now(),
      bytes: 0,
      body: { method: req.method, path: route },
      inputItems: 0,
    });
    return sendHttpError(res, {
      status: 404,
      type: 'invalid_request_error',
      code: 'unknown_url',
      message: `Unknown request URL: ${req.method} ${route}.`,
      param: null,
    });
  }
  const at = ctx.clock.now();
  const raw = await readBody(req);
  if (raw === undefined) {
    return sendHttpError(res, {
      status: 413,
      type: 'invalid_request_error',
      code: 'request_too_large',
      message: 'Request body too large.',
      param: null,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    ctx.recorder.add({
      ...base,
      kind: 'malformed',
      at,
      bytes: raw.length,
      wireBytes: raw.length,
      body: raw.toString('utf8'),
      inputItems: 0,
      errorCode: 'invalid_json',
    });
    return sendHttpError(res, {
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_json',
      message: 'We could not parse the JSON body of your request.',
      param: null,
    });
  }
  if (!isObject(body)) {
    ctx.recorder.add({
      ...base,
      kind: 'malformed',
      at,
      bytes: raw.length,
      wireBytes: raw.length,
      body,
      inputItems: 0,
      errorCode: 'invalid_type',
    });
    return sendHttpError(res, {
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_type',
      message: 'The request body must be a JSON object.',
      param: null,
    });
  }
  const input = body['input'];
  const prev = body['previous_response_id'];
  const rec = ctx.recorder.add({
    ...base,
    kind: isCreate ? 'response.create' : 'compact',
    at,
    bytes: raw.length,
    wireBytes: raw.length,
    body,
    previousResponseId: typeof prev === 'string' ? prev : null,
    inputItems: Array.isArray(input) ? input.length : typeof input === 'string' ? 1 : 0,
  });
  const wait = handshake + ctx.latencyMs();
  if (wait > 0) await ctx.clock.sleep(wait);
  if (isCompact) {
    const out = ctx.engine.compact(body);
    if ('error' in out) {
      rec.errorCode = out.error.code ?? out.error.type;
      return sendHttpError(res, out.error);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify(out.body));
  }
  const faults = resolveFaults(ctx.faultSpecs(), ctx.counter, ctx.recorder.totalCreates(), 'http');
  if (faults.httpStatus) {
    const f = faults.httpStatus;
    const code =
      f.code ?? (f.status === 429 ? 'rate_limit_exceeded' : f.status >= 500 ? 'server_error' : null);
    rec.errorCode = code ?? `http_${f.status}`;
    const headers = {
      ...(f.status === 429 ? { 'retry-after-ms': '1000', 'retry-after': '1' } : {}),
      ...(f.headers ?? {}),
    };
    return sendHttpError(res, {
      status: f.status,
      type:
        f.status === 429 ? 'rate_limit_error' : f.status >= 500 ? 'server_error' : 'invalid_request_error',
      code,
      message: `Simulated HTTP ${f.status}.`,
      param: null,
      headers,
    });
  }
  for (const key of ['type', 'generate', 'stream_id'] as const) {
    if (key in body) {
      rec.errorCode = 'unknown_parameter';
      return sendHttpError(res, {
        status: 400,
        type: 'invalid_request_error',
        code: 'unknown_parameter',
        message: `Unknown parameter: '${key}'.`,
        param: key,
      });
    }
  }
  const prepared = ctx.engine.prepare(body, undefined);
  if ('error' in prepared) {
    rec.errorCode = prepared.error.code ?? prepared.error.type;
    return sendHttpError(res, prepared.error);
  }
  await ctx.contextCost(prepared.uncachedTokens);
  const responseId = ctx.ids.next('resp');
  rec.responseId = responseId;
  const result = ctx.engine.run(prepared, undefined, responseId);
  const requestId = `req_${randomUUID().replace(/-/g, '')}`;
  if (body['stream'] !== true) {
    if (faults.drop) return void res.socket?.destroy();
    if (faults.stall || faults.halfOpen) return; // never answer
    result.commit();
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': requestId });
    return void res.end(JSON.stringify(result.built.response));
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': requestId,
    'openai-model': String(body['model']),
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
  });
  let stopped = false;
  // Settles when the last record was flushed, so a cut after event k delivers k events.
  let lastWrite: Promise<void> = Promise.resolve();
  const write = (event: string, data: string) => {
    if (stopped || res.destroyed) return;
    lastWrite = new Promise<void>((resolve) =>
      res.write(`event: ${event}\ndata: ${data}\n\n`, () => resolve()),
    );
  };
  const sink: EventSink = {
    alive: () => !stopped && !res.destroyed,
    send: async (event) => {
      write(String(event['type']), JSON.stringify(event));
      if (res.writableNeedDrain) await new Promise((r) => res.once('drain', r));
    },
    sendMalformed: (kind, seq) => {
      if (kind === 'unknown-event')
        write(
          'response.simulator_unknown_event',
          JSON.stringify({ type: 'response.simulator_unknown_event', sequence_number: seq }),
        );
      else write('response.output_text.delta', '{"type":"response.output_text.delta","delta":');
    },
    sendError: (f, seq) => {
      if (f.shape === 'failed')
        write('response.failed', JSON.stringify(injectedFailedEvent(f, seq, result.built.response)));
      else write('error', JSON.stringify(injectedErrorEvent(f, seq)));
      stopped = true;
      res.end();
    },
    drop: async (f) => {
      await lastWrite;
      stopped = true;
      if ((f.mode ?? 'terminate') === 'close') res.end();
      else res.socket?.destroy();
    },
    silence: () => {
      stopped = true; // keep the socket open, send nothing more
    },
  };
  const outcome = await streamEvents(result.built.events, faults, sink, {
    clock: ctx.clock,
    eventDelayMs: ctx.eventDelayMs(),
    keepaliveEvery: ctx.keepaliveEvery(),
    onTerminal: () => result.commit(),
  });
  if (outcome === 'completed') res.end();
}
