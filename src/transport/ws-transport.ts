/**
 * The WebSocket transport (PROTOCOL.md §1, RELIABILITY.md R1–R4, R13): one `ws` socket to
 * `{base}/responses`, Bearer auth, permessage-deflate offered, refused upgrades classified,
 * a ping/pong heartbeat that terminate()s half-open peers, and at most one attempt at a time.
 */

import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { Clock, TimerHandle } from '../util/clock.js';
import { Attempt } from './attempt.js';
import { parseRetryAfterMs } from './backoff.js';
import { closeCodeName, isRecoverableClose } from './close-codes.js';
import { ERROR_BODY_MAX_BYTES, parseErrorBody } from './error-body.js';
import {
  classifyStatus,
  type StreamHandle,
  type StreamOptions,
  type StreamOutcome,
  TransportError,
  type TransportFailure,
} from './types.js';

/** Largest inbound frame accepted (bytes); ws's own default is 100 MiB. */
export const WS_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

/**
 * Send-buffer high-water mark (bytes). `bufferedAmount` is a late signal (kernel buffers absorb
 * megabytes first, RELIABILITY.md A1), so above this the peer is treated as stuck (R4).
 */
export const WS_HIGH_WATER_BYTES = 8 * 1024 * 1024;

/** Options of {@link connectWebSocket}; all durations in ms. */
export interface WsConnectOptions {
  url: string;
  apiKey: string;
  /** Offer permessage-deflate (the server may decline). */
  deflate: boolean;
  connectTimeoutMs: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  clock: Clock;
  /** Local id used in status events and logs. */
  id: number;
  /** Extra handshake headers (never logged). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Opens a socket; rejects with a classified {@link TransportError} (never with the API key in it). */
export function connectWebSocket(opts: WsConnectOptions): Promise<WsConnection> {
  return new Promise<WsConnection>((resolve, reject) => {
    const ws = new WebSocket(opts.url, {
      headers: { ...opts.headers, Authorization: `Bearer ${opts.apiKey}` },
      perMessageDeflate: opts.deflate,
      handshakeTimeout: opts.connectTimeoutMs,
      followRedirects: false,
      maxPayload: WS_MAX_PAYLOAD_BYTES,
    });
    let settled = false;
    const timer = opts.clock.setTimeout(
      () =>
        fail({
          kind: 'retryable',
          reason: 'connect_timeout',
          message: `WebSocket connect timed out after ${opts.connectTimeoutMs} ms`,
        }),
      opts.connectTimeoutMs,
    );
    const onAbort = () => fail({ kind: 'retryable', reason: 'connect_failed', message: 'connect aborted' });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    function cleanup(): void {
      timer.cancel();
      opts.signal?.removeEventListener('abort', onAbort);
    }
    function fail(f: TransportFailure): void {
      if (settled) return;
      settled = true;
      cleanup();
      ws.removeAllListeners();
      ws.on('error', () => {}); // a late error must not become an uncaught exception (R13)
      ws.terminate();
      reject(new TransportError(f));
    }
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      // The body says why (429 `insufficient_quota` is final, 429 `rate_limit_exceeded` is not):
      // read up to ERROR_BODY_MAX_BYTES of it; the connect timer still bounds the wait.
      const chunks: Buffer[] = [];
      let size = 0;
      const classify = () => fail(upgradeFailure(res, Buffer.concat(chunks).toString('utf8'), opts.clock));
      res.on('data', (chunk: Buffer) => {
        if (size >= ERROR_BODY_MAX_BYTES) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size >= ERROR_BODY_MAX_BYTES) classify();
      });
      res.on('end', classify);
      res.on('error', classify);
      res.on('close', classify);
    });
    ws.on('error', (err: Error) => {
      fail({
        kind: 'retryable',
        reason: 'connect_failed',
        message: `WebSocket connect failed: ${err.message}`,
      });
    });
    ws.on('close', (code: number) => {
      fail({
        kind: 'retryable',
        reason: 'connect_failed',
        message: `WebSocket closed during connect (${code})`,
        closeCode: code,
      });
    });
    ws.on('open', () => {
      if (settled) return;
      settled = true;
      cleanup();
      ws.removeAllListeners();
      resolve(new WsConnection(ws, opts));
    });
  });
}

/**
 * Classifies a refused upgrade by its status and error body: an error code (`insufficient_quota`,
 * `invalid_api_key`, …) rides along as `code` so the session treats it like the same error over
 * HTTP or as an `error` event; `retry-after(-ms)` becomes `retryAfterMs`.
 */
export function upgradeFailure(
  res: Pick<IncomingMessage, 'statusCode' | 'statusMessage' | 'headers'>,
  bodyText: string,
  clock: Pick<Clock, 'wallNow'>,
): TransportFailure {
  const status = res.statusCode ?? 0;
  const body = parseErrorBody(bodyText.slice(0, ERROR_BODY_MAX_BYTES));
  const said = body.message ? `: ${body.message.replace(/\s+/g, ' ').trim()}` : '';
  const f: TransportFailure = {
    kind: classifyStatus(status),
    reason: 'upgrade_refused',
    status,
    message: `WebSocket upgrade refused: HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}${said}`,
  };
  if (body.code) f.code = body.code;
  if (body.param) f.param = body.param;
  const retryAfterMs = parseRetryAfterMs(res.headers, clock.wallNow(), Number.POSITIVE_INFINITY);
  if (retryAfterMs !== undefined) f.retryAfterMs = retryAfterMs;
  return f;
}

/** An open socket. Exactly one attempt may stream at a time (Gen-1 semantics, §1.7). */
export class WsConnection {
  /** Local connection id. */
  readonly id: number;
  /** Clock time the socket opened (ms). */
  readonly openedAt: number;
  /** Whether permessage-deflate was negotiated. */
  readonly deflate: boolean;
  private readonly clock: Clock;
  private current: Attempt | null = null;
  private deadWith: TransportFailure | null = null;
  private heartbeat: TimerHandle | null = null;
  private pongDeadline: TimerHandle | null = null;
  private readonly deathListeners = new Set<(f: TransportFailure) => void>();
  /** Frames that arrived while no attempt was active (ignored, counted for diagnostics). */
  strayFrames = 0;
  /** Every frame received on this socket (0 = the server never answered anything). */
  framesReceived = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: WsConnectOptions,
  ) {
    this.id = opts.id;
    this.clock = opts.clock;
    this.openedAt = opts.clock.now();
    this.deflate = ws.extensions.includes('permessage-deflate');
    ws.on('error', () => {}); // errors surface through 'close'
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('pong', () => {
      this.pongDeadline?.cancel();
      this.pongDeadline = null;
    });
    ws.on('close', (code: number) => {
      const streaming = this.current !== null;
      this.die({
        kind: isRecoverableClose(code, streaming) ? 'retryable' : 'fatal',
        reason: 'closed',
        closeCode: code,
        message: `WebSocket closed${streaming ? ' before response.completed' : ''} (${code} ${closeCodeName(code)})`,
      });
    });
    this.heartbeat = this.clock.setInterval(() => this.ping(), opts.heartbeatIntervalMs);
  }

  /** True while the socket is open and has not failed its heartbeat or been terminated. */
  isAlive(): boolean {
    // CLOSING counts as dead: the server already sent its close frame (e.g. after
    // websocket_connection_limit_reached between turns), so a create sent now would be lost.
    return this.deadWith === null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Whether an attempt is streaming. */
  isBusy(): boolean {
    return this.current !== null;
  }

  /** Socket age (ms) by the injected clock. */
  ageMs(): number {
    return this.clock.now() - this.openedAt;
  }

  /** Called once when the socket dies (any reason). */
  onDeath(listener: (f: TransportFailure) => void): () => void {
    this.deathListeners.add(listener);
    return () => this.deathListeners.delete(listener);
  }

  /**
   * Sends one `response.create` and tracks its response. An aborted or timed-out attempt
   * terminates the socket (a cancelled response keeps streaming otherwise, §2.6).
   */
  stream(payload: Record<string, unknown>, opts: StreamOptions): StreamHandle {
    const data = JSON.stringify(payload);
    const bytes = Buffer.byteLength(data);
    if (this.current) throw new Error('WsConnection: an attempt is already streaming');
    const attempt = new Attempt(this.clock, opts, (o) => this.onSettled(attempt, o));
    if (this.deadWith) {
      attempt.fail(this.deadWith);
      return { done: attempt.done, bytes, firstEventAt: () => null };
    }
    this.current = attempt;
    if (this.ws.bufferedAmount > WS_HIGH_WATER_BYTES) {
      this.kill({
        kind: 'retryable',
        reason: 'send_failed',
        message: `WebSocket send buffer above ${WS_HIGH_WATER_BYTES} bytes (peer not reading)`,
      });
      return { done: attempt.done, bytes, firstEventAt: () => null };
    }
    try {
      this.ws.send(data, (err) => {
        if (err)
          this.kill({
            kind: 'retryable',
            reason: 'send_failed',
            message: `WebSocket send failed: ${err.message}`,
          });
      });
    } catch (err) {
      this.kill({
        kind: 'retryable',
        reason: 'send_failed',
        message: `WebSocket send failed: ${(err as Error).message}`,
      });
    }
    return { done: attempt.done, bytes, firstEventAt: () => attempt.firstEventAt() };
  }

  /** Graceful close (1000) between turns, e.g. after a rotation. */
  close(): void {
    if (this.deadWith) return;
    this.die({ kind: 'fatal', reason: 'closed', closeCode: 1000, message: 'closed by client' });
    try {
      this.ws.close(1000, 'rotated');
    } catch {
      this.ws.terminate();
    }
  }

  /** Immediately destroys the socket (half-open, cancel, stall). */
  terminate(message = 'terminated by client'): void {
    this.kill({ kind: 'retryable', reason: 'closed', closeCode: 1006, message });
  }

  private kill(f: TransportFailure): void {
    this.die(f);
    if (this.ws.readyState !== WebSocket.CLOSED) {
      this.ws.on('error', () => {}); // attached first: a late error must not be uncaught (R13)
      this.ws.terminate();
    }
  }

  private die(f: TransportFailure): void {
    if (this.deadWith) return;
    this.deadWith = f;
    this.heartbeat?.cancel();
    this.pongDeadline?.cancel();
    this.heartbeat = null;
    this.pongDeadline = null;
    this.current?.fail(f);
    for (const l of this.deathListeners) l(f);
    this.deathListeners.clear();
  }

  private ping(): void {
    if (this.deadWith || this.pongDeadline) return; // one outstanding ping at a time
    try {
      this.ws.ping();
    } catch {
      return;
    }
    this.pongDeadline = this.clock.setTimeout(() => {
      this.kill({
        kind: 'retryable',
        reason: 'heartbeat_timeout',
        closeCode: 1006,
        message: `no pong within ${this.opts.heartbeatTimeoutMs} ms (half-open connection)`,
      });
    }, this.opts.heartbeatTimeoutMs);
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    this.framesReceived++;
    const attempt = this.current;
    if (!attempt) {
      this.strayFrames++;
      return;
    }
    if (isBinary) {
      attempt.frame(null);
      return;
    }
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(new Uint8Array(data)).toString('utf8');
    attempt.frame(text);
  }

  private onSettled(attempt: Attempt, o: StreamOutcome): void {
    if (this.current === attempt) this.current = null;
    if (o.type === 'aborted') this.terminate('response cancelled');
    else if (o.type === 'failure' && this.deadWith === null) this.kill(o.failure);
  }
}
