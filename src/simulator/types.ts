/**
 * Public types of the Responses simulator (`startSimulator`). Other parts of tether (transport,
 * session, e2e, chaos, benchmarks, `--demo`) code against these names, so they are stable.
 */
import type { Clock } from '../util/clock.js';
import type { FaultSpec } from './faults.js';
import type { Scenario } from './scenario-types.js';

/** Options of {@link startSimulator}. Every timing value is in milliseconds. */
export interface SimulatorOptions {
  /** TCP port; 0 (default) = a random free port. */
  port?: number;
  /** Bind address; default `127.0.0.1`. */
  host?: string;
  /** Base path of every route; default `/v1`. */
  basePath?: string;
  /** When set, `Authorization: Bearer <apiKey>` must match; when unset any non-empty Bearer is accepted. */
  apiKey?: string;
  /** Scenario name (`fixtures/scenarios/<name>.json`), a file path, or an object; default `plain-answer`. */
  scenario?: string | Scenario;
  /** Server-wide faults (a scenario may carry its own too; both apply). */
  faults?: FaultSpec;
  /** Simulated network round trip charged per request before its first event (ms). */
  latencyMs?: number;
  /** Extra cost charged to each new HTTP connection, WebSocket upgrades included (TCP+TLS, ms). */
  httpHandshakeMs?: number;
  /**
   * Service time to (re)build context the connection-local cache does not hold, in µs per token
   * (≈ 4 characters), charged before the first event on both transports: a continuation of the
   * response cached on its socket pays for its new items only; a full-context create (HTTP with
   * `store:false`, a new socket) or a `store:true` hydration pays for the whole context
   * (PROTOCOL §2.3, §7). Default 0 (free, as before). The benchmark's default and its grounding:
   * bench/README.md.
   */
  contextCostUsPerToken?: number;
  /** Delay between consecutive events of a response (ms). */
  eventDelayMs?: number;
  /** A `keepalive` event after every N events of a response, like the service on long streams; default 200, 0 = never. */
  keepaliveEvery?: number;
  /** WebSocket connection age limit (ms); default 60 min like the service. */
  connectionAgeLimitMs?: number;
  /** Seed for ids, encrypted blobs and any other randomness; default random. */
  seed?: number;
  /** Time source; default `realClock`. */
  clock?: Clock;
}

/** A running simulator. */
export interface Simulator {
  /** HTTP base URL including the base path, e.g. `http://127.0.0.1:PORT/v1`. */
  url: string;
  /** The bound TCP port. */
  port: number;
  /** Every frame/request received. */
  recorder: Recorder;
  /** Replaces the scenario for requests that start after this call. */
  setScenario(s: string | Scenario): void;
  /** Replaces the server-wide faults (fault counters restart). */
  setFaults(f: FaultSpec): void;
  /** WebSocket handshakes accepted so far. */
  connectionCount(): number;
  /** WebSocket connections currently open. */
  openConnections(): number;
  /** Closes every socket and the listener; resolves when the port is free. */
  close(): Promise<void>;
}

/** One recorded client frame or HTTP request. */
export interface RecordedRequest {
  /** 1-based order of arrival across the whole simulator. */
  seq: number;
  transport: 'websocket' | 'http';
  kind: 'response.create' | 'compact' | 'models' | 'other' | 'upgrade' | 'malformed';
  /** WebSocket connection number (1-based) or HTTP connection (socket) number. */
  connectionId: number;
  /** `clock.now()` at arrival (ms). */
  at: number;
  /** Payload bytes (uncompressed JSON text). */
  bytes: number;
  /** Bytes read from the TCP socket for this frame (permessage-deflate savings show here). */
  wireBytes?: number;
  /** Parsed JSON body (the raw text for malformed frames, `null` for upgrades/GETs). */
  body: unknown;
  previousResponseId?: string | null;
  /** Number of items in `input` (0 when absent). */
  inputItems: number;
  /** `generate` flag of a WebSocket `response.create`, if sent. */
  generate?: boolean;
  /** Request headers of upgrades and HTTP requests, with `authorization` redacted. */
  headers?: Record<string, string>;
  /** Id of the response this request produced, if any. */
  responseId?: string;
  /** Error code the simulator answered with, if the request was rejected. */
  errorCode?: string;
}

/** Queryable log of everything the simulator received. */
export interface Recorder {
  requests(): RecordedRequest[];
  /** `response.create` requests over both transports, in arrival order. */
  creates(): RecordedRequest[];
  /** Every `input_image` part received in `response.create` inputs (data URLs decoded, hashed). */
  images(): Array<import('./images.js').ReceivedImage & { seq: number }>;
  clear(): void;
}
