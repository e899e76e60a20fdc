/**
 * One accepted WebSocket connection (§1–§4): one JSON event per text frame, `response.create`
 * handled strictly one at a time (a create that arrives while another streams waits its turn),
 * `response.processed` ignored, anything invalid answered with a wrapped 400 `error` event while
 * the connection keeps serving. Enforces the connection age limit.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { TimerHandle } from '../util/clock.js';
import type { ApiError } from './conversation.js';
import type { ConnState, StoredResponse } from './engine.js';
import {
  accountSwitch,
  injectedErrorEvent,
  injectedFailedEvent,
  type RequestFaults,
  resolveFaults,
} from './faults.js';
import type { MemoryRecorder } from './recorder.js';
import type { ServerContext } from './server-context.js';
import { type EventSink, streamEvents } from './streamer.js';

const STREAM_ID_RE = /^[A-Za-z0-9_.-]{1,256}$/;
/** Gen 2 limits (§1.7): in-flight responses per connection, distinct named lanes per connection. */
export const MAX_IN_FLIGHT = 16;
export const MAX_NAMED_LANES = 32;

interface Lane {
  state: ConnState;
  queue: Promise<void>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Serves one WebSocket connection. */
export class WsSession {
  private readonly conn: ConnState;
  /** Lanes by `stream_id` ('' = the implicit default lane, whose state is `conn`). */
  private readonly lanes = new Map<string, Lane>();
  private inFlight = 0;
  private slotWaiters: Array<() => void> = [];
  private lastBytesRead: number;
  private silenced = false;
  private answerPings = true;
  private expired = false;
  private ageTimer: TimerHandle | undefined;
  /** Settles when the most recent event frame was written to the socket. */
  private lastSend: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ServerContext,
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    id: number,
  ) {
    this.conn = { id };
    this.conn.forkable = () => this.lastOfLanesExcept('');
    this.lanes.set('', { state: this.conn, queue: Promise.resolve() });
    this.lastBytesRead = socket.bytesRead;
    ws.on('message', (data, isBinary) => this.onFrame(data as Buffer | Buffer[] | ArrayBuffer, isBinary));
    // The server runs with autoPong:false so half-open faults can stop answering pings.
    ws.on('ping', (payload) => {
      if (this.answerPings) ws.pong(payload);
    });
    ws.on('close', () => this.ageTimer?.cancel());
    ws.on('error', () => {
      /* a client protocol error closes the socket; nothing else to do */
    });
    const ageLimitMs = ctx.ageLimitMs();
    this.ageTimer = ctx.clock.setTimeout(() => this.expire(), ageLimitMs);
  }

  private recorder(): MemoryRecorder {
    return this.ctx.recorder;
  }

  /** The service ends a socket at its age limit with this error, then closes (§1.6). */
  private expire(): void {
    if (this.expired || this.ws.readyState !== this.ws.OPEN) return;
    this.expired = true;
    this.sendJson({
      type: 'error',
      status: 400,
      error: {
        type: 'invalid_request_error',
        code: 'websocket_connection_limit_reached',
        message: `Responses websocket connection limit reached (${Math.round(this.ctx.ageLimitMs() / 60_000)} minutes). Create a new websocket connection to continue.`,
        param: null,
      },
    });
    this.ws.close(1000, 'connection limit reached');
  }

  private sendTracked(text: string): Promise<void> {
    return new Promise<void>((resolve) => this.ws.send(text, () => resolve()));
  }

  private sendJson(value: unknown): void {
    if (this.ws.readyState === this.ws.OPEN && !this.silenced)
      this.lastSend = this.sendTracked(JSON.stringify(value));
  }

  private sendApiError(err: ApiError, streamId?: string): void {
    const error: Record<string, unknown> = {
      type: err.type,
      code: err.code,
      message: err.message,
      param: err.param,
    };
    if (err.headers) error['headers'] = err.headers;
    this.sendJson({ type: 'error', status: err.status, ...(streamId ? { stream_id: streamId } : {}), error });
  }

  private onFrame(data: Buffer | Buffer[] | ArrayBuffer, isBinary: boolean): void {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const wireBytes = this.socket.bytesRead - this.lastBytesRead;
    this.lastBytesRead = this.socket.bytesRead;
    const base = {
      transport: 'websocket' as const,
      connectionId: this.conn.id,
      at: this.ctx.clock.now(),
      bytes: buf.length,
      wireBytes,
    };
    if (isBinary) {
      const rec = this.recorder().add({ ...base, kind: 'malformed', body: null, inputItems: 0 });
      rec.errorCode = 'binary_frame';
      this.enqueue(() =>
        this.sendApiError({
          status: 400,
          type: 'invalid_request_error',
          code: null,
          message: 'Binary frames are not supported; send JSON text frames.',
          param: null,
        }),
      );
      return;
    }
    const text = buf.toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      this.recorder().add({
        ...base,
        kind: 'malformed',
        body: text,
        inputItems: 0,
        errorCode: 'invalid_json',
      });
      this.enqueue(() =>
        this.sendApiError({
          status: 400,
          type: 'invalid_request_error',
          code: 'invalid_json',
          message: 'We could not parse the JSON body of your request.',
          param: null,
        }),
      );
      return;
    }
    const type = isObject(body) ? body['type'] : undefined;
    if (type === 'response.create' && isObject(body)) {
      const input = body['input'];
      const prev = body['previous_response_id'];
      const rec = this.recorder().add({
        ...base,
        kind: 'response.create',
        body,
        previousResponseId: typeof prev === 'string' ? prev : null,
        inputItems: Array.isArray(input) ? input.length : typeof input === 'string' ? 1 : 0,
        ...(typeof body['generate'] === 'boolean' ? { generate: body['generate'] } : {}),
      });
      const n = this.recorder().totalCreates();
      const faults = resolveFaults(this.ctx.faultSpecs(), this.ctx.counter, n, 'websocket');
      const streamId = body['stream_id'];
      if (streamId !== undefined && (typeof streamId !== 'string' || !STREAM_ID_RE.test(streamId))) {
        rec.errorCode = 'invalid_stream_id';
        this.enqueue(() =>
          this.sendApiError({
            status: 400,
            type: 'invalid_request_error',
            code: 'invalid_stream_id',
            message:
              "The 'stream_id' field must be a non-empty string with at most 256 characters and may only contain letters, numbers, underscores, hyphens, and periods.",
            param: 'stream_id',
          }),
        );
        return;
      }
      const key = typeof streamId === 'string' ? streamId : '';
      let lane = this.lanes.get(key);
      if (!lane) {
        if (this.lanes.size - 1 >= MAX_NAMED_LANES) {
          rec.errorCode = 'websocket_stream_limit_reached';
          this.enqueue(() =>
            this.sendApiError(
              {
                status: 400,
                type: 'invalid_request_error',
                code: 'websocket_stream_limit_reached',
                message: `This WebSocket connection has reached its maximum number of distinct stream IDs (${MAX_NAMED_LANES}). Reuse an existing stream_id or open a new WebSocket connection.`,
                param: 'stream_id',
              },
              key,
            ),
          );
          return;
        }
        const state: ConnState = { id: this.conn.id, forkable: () => this.lastOfLanesExcept(key) };
        lane = { state, queue: Promise.resolve() };
        this.lanes.set(key, lane);
      }
      const target = lane;
      // Same lane: FIFO. Different lanes: concurrent, at most MAX_IN_FLIGHT responses at once.
      target.queue = target.queue
        .then(() =>
          this.withSlot(() =>
            this.handleCreate(body as Record<string, unknown>, rec, faults, target.state, key || undefined),
          ),
        )
        .catch((err: unknown) => this.ctx.log(`websocket task failed: ${String(err)}`));
      return;
    }
    const rec = this.recorder().add({
      ...base,
      kind: isObject(body) ? 'other' : 'malformed',
      body,
      inputItems: 0,
    });
    if (type === 'response.processed') return; // Codex-only ack: ignored (§2.6)
    const err: ApiError =
      typeof type === 'string'
        ? {
            status: 400,
            type: 'invalid_request_error',
            code: 'invalid_value',
            message: `Invalid value: '${type}'. Supported values are: 'response.create'.`,
            param: 'type',
          }
        : {
            status: 400,
            type: 'invalid_request_error',
            code: 'missing_required_parameter',
            message: "Missing required parameter: 'type'.",
            param: 'type',
          };
    rec.errorCode = err.code ?? 'invalid_request_error';
    this.enqueue(() => this.sendApiError(err));
  }

  /** Queues a task on the default lane (errors for invalid frames keep their order with its responses). */
  private enqueue(task: () => Promise<void> | void): void {
    const lane = this.lanes.get('')!;
    lane.queue = lane.queue
      .then(task)
      .catch((err: unknown) => this.ctx.log(`websocket task failed: ${String(err)}`));
  }

  private lastOfLanesExcept(key: string): StoredResponse[] {
    const out: StoredResponse[] = [];
    for (const [k, lane] of this.lanes) if (k !== key && lane.state.last) out.push(lane.state.last);
    return out;
  }

  /** Runs `task` once fewer than MAX_IN_FLIGHT responses stream on this connection. */
  private async withSlot(task: () => Promise<void>): Promise<void> {
    while (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => this.slotWaiters.push(r));
    this.inFlight++;
    try {
      await task();
    } finally {
      this.inFlight--;
      this.slotWaiters.shift()?.();
    }
  }

  private alive(): boolean {
    return this.ws.readyState === this.ws.OPEN && !this.silenced && !this.expired;
  }

  private async handleCreate(
    body: Record<string, unknown>,
    rec: { responseId?: string; errorCode?: string },
    faults: RequestFaults,
    state: ConnState,
    lane: string | undefined,
  ): Promise<void> {
    if (!this.alive()) return;
    const latency = this.ctx.latencyMs();
    if (latency > 0) await this.ctx.clock.sleep(latency);
    if (!this.alive()) return;
    // `ignoreGenerate`: a gateway that drops the field it does not know and generates anyway.
    const specs = this.ctx.faultSpecs();
    const effective =
      body['generate'] === false && accountSwitch(specs, 'ignoreGenerate') === true
        ? Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'generate'))
        : body;
    const prepared = this.ctx.engine.prepare(effective, state);
    if ('error' in prepared) {
      rec.errorCode = prepared.error.code ?? prepared.error.type;
      return this.sendApiError(prepared.error, lane);
    }
    await this.ctx.contextCost(prepared.uncachedTokens);
    if (!this.alive()) return;
    const responseId = this.ctx.ids.next('resp');
    rec.responseId = responseId;
    const result = this.ctx.engine.run(prepared, state, responseId);
    // `silentWarmup`: the warm-up is accepted (`response.created`) and never answered; the socket
    // keeps answering pings, and like any Gen-1 socket serves nothing after it (§1.7).
    const silent =
      body['generate'] === false && accountSwitch(this.ctx.faultSpecs(), 'silentWarmup') === true;
    const applied = silent ? { ...faults, stall: { event: 1 } } : faults;
    const outcome = await streamEvents(result.built.events, applied, this.sink(lane, result.built.response), {
      clock: this.ctx.clock,
      eventDelayMs: this.ctx.eventDelayMs(),
      keepaliveEvery: this.ctx.keepaliveEvery(),
      ...(lane ? { extra: { stream_id: lane } } : {}),
      onTerminal: () => result.commit(),
    });
    if (outcome === 'error') result.fail();
  }

  private sink(lane: string | undefined, base: Record<string, unknown>): EventSink {
    return {
      alive: () => this.alive(),
      send: async (event) => {
        this.lastSend = this.sendTracked(JSON.stringify(event));
        // Respect backpressure on very long streams instead of buffering them all.
        while (this.ws.bufferedAmount > 8 * 1024 * 1024 && this.ws.readyState === this.ws.OPEN) {
          await new Promise((r) => setTimeout(r, 5));
        }
      },
      sendMalformed: (kind, seq) => {
        if (kind === 'binary') this.ws.send(Buffer.from([0x00, 0xff, 0x13, 0x37]), { binary: true });
        else if (kind === 'json') this.ws.send('{"type":"response.output_text.delta","delta":');
        else
          this.ws.send(
            JSON.stringify({
              type: 'response.simulator_unknown_event',
              sequence_number: seq,
              note: 'injected',
            }),
          );
      },
      sendError: (f, seq) => {
        if (f.shape === 'wrapped') {
          this.sendApiError(
            {
              status: f.status ?? 500,
              type: f.status === 429 ? 'rate_limit_error' : 'server_error',
              code: f.code,
              message: f.message ?? `Injected ${f.code}.`,
              param: null,
              ...(f.headers ? { headers: f.headers } : {}),
            },
            lane,
          );
        } else if (f.shape === 'flat') {
          this.sendJson(injectedErrorEvent(f, seq));
        } else {
          this.sendJson(injectedFailedEvent(f, seq, base));
        }
      },
      drop: async (f) => {
        // Frames sent before the drop must reach the peer (ws.send is asynchronous with deflate).
        await this.lastSend;
        const mode = f.mode ?? (f.code === undefined || f.code === 1006 ? 'terminate' : 'close');
        if (mode === 'terminate' || f.code === 1006) this.ws.terminate();
        else this.ws.close(f.code ?? 1011, f.reason ?? 'simulated drop');
      },
      silence: (answerPings) => {
        this.silenced = true;
        this.answerPings = answerPings;
      },
    };
  }
}
