/**
 * The controller's mutable state and the helpers every session file shares: status events,
 * socket opening (with connection ids and the rotation timer) and the switch to HTTP+SSE. The
 * `generate:false` warm-up lives in warmup.ts.
 */
import type { RequestFields } from '../protocol/client-events.js';
import type { Item } from '../protocol/items.js';
import { websocketUrl } from '../transport/types.js';
import { connectWebSocket, type WsConnection } from '../transport/ws-transport.js';
import { type Clock, realClock, type TimerHandle } from '../util/clock.js';
import { type Random, realRandom } from '../util/random.js';
import type { ChainAnchor } from './chain.js';
import { fieldsKey, normaliseFields } from './request.js';
import type {
  FieldRefusal,
  RefusalDecision,
  SessionControllerOptions,
  SessionSettings,
  SessionStatusEvent,
  TransportKind,
} from './types.js';
import type { Warming } from './warmup.js';

/** A standby socket being warmed for rotation (RELIABILITY.md R10). */
export interface Standby {
  conn: WsConnection;
  /** Null when warm-ups are off for this session (the next turn then sends full context). */
  anchor: ChainAnchor | null;
  /** `age`: proactive rotation; `replacement`: the previous socket died between turns. */
  reason: 'age' | 'replacement';
}

/** Serialises async jobs: one turn (or exclusive job) at a time, in call order. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private depth = 0;

  /** Runs `job` after every previously queued job settled. */
  run<T>(job: () => Promise<T>): Promise<T> {
    this.depth++;
    const next = this.tail.then(job, job);
    this.tail = next.then(
      () => undefined,
      () => undefined,
    );
    return next.finally(() => {
      this.depth--;
    });
  }

  /** Jobs queued or running. */
  size(): number {
    return this.depth;
  }
}

/** Shared session state. Only the session files touch it. */
export class SessionState {
  readonly clock: Clock;
  readonly random: Random;
  readonly settings: SessionSettings;
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Extra headers for HTTP requests and for the WebSocket upgrade. */
  readonly httpHeaders: Record<string, string>;
  readonly wsHeaders: Record<string, string>;
  /**
   * Set once the service refused a `generate:false` warm-up: later sockets (rotation,
   * replacement, /new) are not warmed again in this session, so a refusal costs one round trip.
   */
  warmRefused = false;
  /** A warm-up in flight on the current socket (session start, /new): see warmup.ts. */
  warming: Warming | null = null;
  /** Set by the controller's options: a refused warm-up, remembered per base URL + model. */
  readonly onWarmupRefused: SessionControllerOptions['onWarmupRefused'];
  fields: RequestFields;
  fieldsKey: string;
  transcript: Item[];
  anchor: ChainAnchor | null = null;
  conn: WsConnection | null = null;
  mode: TransportKind;
  fellBack = false;
  /** HTTP turns since the fallback (re-probe counter). */
  httpTurns = 0;
  /** Bumped on cancel and reset: events of older generations are dropped. */
  generation = 0;
  connections = 0;
  rotations = 0;
  reconnects = 0;
  closed = false;
  busy = false;
  rotating: Promise<void> | null = null;
  standby: Standby | null = null;
  private nextConnId = 1;
  private rotationTimer: TimerHandle | null = null;
  private readonly listeners = new Set<(e: SessionStatusEvent) => void>();
  private readonly refusalHook: SessionControllerOptions['onRefusedField'];
  /** Set by the controller: called when a socket reaches its rotation age. */
  onRotationDue: () => void = () => {};
  /** Set by the controller: called when the current socket dies on its own (not dropped by us). */
  onUnexpectedDeath: () => void = () => {};

  constructor(opts: SessionControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? realRandom;
    this.settings = opts.settings;
    this.baseUrl = opts.baseUrl;
    this.apiKey = opts.apiKey;
    this.httpHeaders = { ...(opts.headers?.http ?? {}) };
    this.wsHeaders = { ...(opts.headers?.websocket ?? {}) };
    this.refusalHook = opts.onRefusedField;
    this.onWarmupRefused = opts.onWarmupRefused;
    this.fields = normaliseFields(opts.request);
    this.fieldsKey = fieldsKey(this.fields);
    this.transcript = [...(opts.transcript ?? [])];
    this.mode = opts.settings.transport === 'http' ? 'http' : 'websocket';
  }

  /** Replaces the non-input fields (the next create is full if they changed). */
  setFields(fields: RequestFields): void {
    this.fields = normaliseFields(fields);
    this.fieldsKey = fieldsKey(this.fields);
  }

  /**
   * Asks the hook about a refused field. On `drop` the fields are replaced and the notice is
   * emitted (the caller resends); a field that is already absent is never "dropped" twice.
   */
  refusal(r: FieldRefusal): RefusalDecision {
    const decision = this.refusalHook?.(r, this.fields) ?? { action: 'pass' };
    if (decision.action !== 'drop') return decision;
    const next = normaliseFields(decision.fields);
    if (fieldsKey(next) === this.fieldsKey) return { action: 'pass' };
    this.setFields(next);
    this.emit({ type: 'notice', message: decision.notice });
    return decision;
  }

  /** Whether `store:true` is in effect (chains survive reconnects, §4.3). */
  store(): boolean {
    return this.fields.store === true;
  }

  subscribe(listener: (e: SessionStatusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Emits a status event; a throwing listener never breaks the session. */
  emit(e: SessionStatusEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // listeners are UI/logging; their failures are not the session's
      }
    }
  }

  /** Opens a new socket (throws a classified TransportError). Does not make it current. */
  async openSocket(attempt: number, signal?: AbortSignal): Promise<WsConnection> {
    this.emit({ type: 'connecting', transport: 'websocket', attempt });
    const s = this.settings;
    const opts = {
      url: websocketUrl(this.baseUrl),
      apiKey: this.apiKey,
      deflate: s.wsDeflate,
      connectTimeoutMs: s.connectTimeoutMs,
      heartbeatIntervalMs: s.heartbeatIntervalMs,
      heartbeatTimeoutMs: s.heartbeatTimeoutMs,
      clock: this.clock,
      id: this.nextConnId++,
      headers: this.wsHeaders,
      ...(signal ? { signal } : {}),
    };
    const conn = await connectWebSocket(opts);
    this.connections++;
    this.emit({ type: 'connected', transport: 'websocket', connectionId: conn.id, deflate: conn.deflate });
    return conn;
  }

  /** Makes `conn` the current socket and arms its rotation timer. */
  adopt(conn: WsConnection): void {
    this.conn = conn;
    // dropConnection() clears `conn` before closing, so only deaths we did not cause get here.
    conn.onDeath(() => {
      if (this.conn === conn && !this.closed) this.onUnexpectedDeath();
    });
    this.armRotationTimer(conn);
  }

  /**
   * Fires `onRotationDue` once `conn` has reached the rotation age. Node timers may fire a little
   * early by `performance.now()`, so a timer that fires before the age is reached re-arms itself
   * instead of silently giving up until the next turn.
   */
  private armRotationTimer(conn: WsConnection): void {
    this.rotationTimer?.cancel();
    const due = Math.max(0, this.settings.rotationAgeMs - conn.ageMs());
    this.rotationTimer = this.clock.setTimeout(() => {
      if (this.conn !== conn) return;
      if (conn.ageMs() < this.settings.rotationAgeMs) this.armRotationTimer(conn);
      else this.onRotationDue();
    }, due);
  }

  /** Drops the current socket (terminate unless `graceful`). */
  dropConnection(graceful = false): void {
    const c = this.conn;
    this.conn = null;
    this.rotationTimer?.cancel();
    this.rotationTimer = null;
    if (!c) return;
    if (graceful) c.close();
    else c.terminate('connection discarded');
  }

  /** A live current socket, or null. */
  liveConnection(): WsConnection | null {
    return this.conn?.isAlive() ? this.conn : null;
  }

  /** Switches the session to HTTP+SSE with one `fallback_http` event (RELIABILITY.md R6). */
  fallBack(reason: string): void {
    if (this.mode === 'http') return;
    this.dropConnection();
    this.discardStandby();
    this.anchor = null;
    this.mode = 'http';
    this.fellBack = true;
    this.httpTurns = 0;
    const scheme = /^https:/i.test(this.baseUrl) ? 'https' : 'http';
    this.emit({ type: 'fallback_http', reason, scheme });
  }

  /** Terminates a standby socket that will not be used. */
  discardStandby(): void {
    this.standby?.conn.terminate('standby discarded');
    this.standby = null;
  }

  /** Cancels timers and closes sockets. */
  shutdown(): void {
    this.closed = true;
    this.discardStandby();
    this.dropConnection(true);
  }
}
