/** Shared transport types: how one response attempt ends, and classified transport failures. */
import type { ErrorEvent, LifecycleEvent, ServerEvent } from '../protocol/server-events.js';

/** What a caller should do about a transport-level failure. */
export type FailureKind =
  /** Credentials refused (401/403): never retry. */
  | 'auth'
  /** The server refused the WebSocket upgrade with 426: use HTTP+SSE. */
  | 'no_websocket'
  /** Transient: reconnect / retry with backoff. */
  | 'retryable'
  /** Will not succeed as sent (e.g. 400, non-recoverable close code). */
  | 'fatal';

/** Why an attempt or a connection failed. */
export type FailureReason =
  | 'connect_failed'
  | 'connect_timeout'
  | 'upgrade_refused'
  | 'http_status'
  | 'closed'
  | 'idle_timeout'
  | 'heartbeat_timeout'
  | 'send_failed'
  | 'malformed_frames'
  | 'stream_ended';

/** A classified transport failure. `message` never contains credentials. */
export interface TransportFailure {
  kind: FailureKind;
  reason: FailureReason;
  message: string;
  /** HTTP status of a refused upgrade or POST. */
  status?: number;
  /** WebSocket close code. */
  closeCode?: number;
  /** Server-requested delay (ms) from `retry-after-ms` / `retry-after`. */
  retryAfterMs?: number;
  /** Error code from an HTTP error body, if any. */
  code?: string;
  /** The request field an HTTP error body names (`param`), if any. */
  param?: string;
}

/** Error thrown by connect functions; carries the classified failure. */
export class TransportError extends Error {
  readonly failure: TransportFailure;
  constructor(failure: TransportFailure) {
    super(failure.message);
    this.name = 'TransportError';
    this.failure = failure;
  }
}

/** How one response attempt (one `response.create` / one POST) ended. */
export type StreamOutcome =
  /** `response.completed | incomplete | failed`. */
  | { type: 'terminal'; event: LifecycleEvent }
  /** An `error` event (wrapped or flat). */
  | { type: 'error'; event: ErrorEvent }
  /** The connection failed before a terminal event. */
  | { type: 'failure'; failure: TransportFailure }
  /** The caller aborted. */
  | { type: 'aborted' };

/** Per-attempt callbacks and limits. */
export interface StreamOptions {
  /** Every validated event, in order, including the terminal one. */
  onEvent: (event: ServerEvent) => void;
  signal?: AbortSignal;
  /** Max silence between application events before the attempt fails (ms). */
  idleTimeoutMs: number;
}

/** A started attempt: `bytes` is the uncompressed JSON payload size. */
export interface StreamHandle {
  done: Promise<StreamOutcome>;
  bytes: number;
  /** Clock time of the first event, `null` until one arrives. */
  firstEventAt(): number | null;
}

/** Derives the WebSocket URL from the HTTP base URL (§1.1): https→wss, http→ws, + /responses. */
export function websocketUrl(baseUrl: string): string {
  const u = new URL(baseUrl);
  if (u.protocol === 'https:') u.protocol = 'wss:';
  else if (u.protocol === 'http:') u.protocol = 'ws:';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/responses`;
  return u.toString();
}

/** `{base}/{path}` without doubled slashes. */
export function httpUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Classifies an HTTP status of a refused upgrade or POST (R1). */
export function classifyStatus(status: number): FailureKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 426) return 'no_websocket';
  // 501 Not Implemented (e.g. `python3 -m http.server` refusing a POST) never heals by retrying.
  if (status === 408 || status === 409 || status === 429 || (status >= 500 && status !== 501))
    return 'retryable';
  return 'fatal';
}

/**
 * Statuses with which a reachable server says it does not serve the Responses API at this URL
 * (wrong base URL, a static file server, a web page): fatal, reported as such instead of retried.
 */
export function isNotResponsesApiStatus(status: number): boolean {
  return status === 404 || status === 405 || status === 501;
}

/** The one-line error for a server that is reachable but not a Responses API endpoint. */
export function notResponsesApiMessage(url: string, what: string): string {
  let shown = url;
  try {
    const u = new URL(url);
    shown = `${u.protocol}//${u.host}${u.pathname}`; // never userinfo or a query
  } catch {
    // keep as given
  }
  return `not a Responses API endpoint: ${shown} answered ${what} (check --base-url / OPENAI_BASE_URL)`;
}
