/**
 * The SessionController contract: one logical conversation over one persistent WebSocket (or
 * the HTTP+SSE fallback). The agent loop talks only to this interface.
 */
import type { Settings } from '../config/schema.js';
import type { RequestFields } from '../protocol/client-events.js';
import type { Item } from '../protocol/items.js';
import type { ServerEvent } from '../protocol/server-events.js';
import type { UsageTotals } from '../protocol/usage.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';

export type TransportKind = 'websocket' | 'http';

/** Connection-level status, for the status bar, JSONL `transport` lines and benchmarks. */
export type SessionStatusEvent =
  | { type: 'connecting'; transport: TransportKind; attempt: number }
  | { type: 'connected'; transport: TransportKind; connectionId: number; deflate: boolean }
  | { type: 'warmed'; responseId: string; fullContext: boolean; durationMs: number }
  | { type: 'rotated'; reason: 'age' | 'connection_limit'; socketAgeMs: number }
  | { type: 'reconnecting'; attempt: number; max: number; reason: string; delayMs: number }
  /** `scheme`: the base URL's (`http` or `https`), so the notice names what is really used. */
  | { type: 'fallback_http'; reason: string; scheme?: 'http' | 'https' }
  | { type: 'recovered'; transport: TransportKind }
  | { type: 'rechained'; reason: string }
  /**
   * A connection attempt or turn failed for good: `auth` (credentials refused, 401/403; never
   * retried) or `network` (retries exhausted / not a Responses API). The session stays usable.
   */
  | { type: 'failed'; kind: 'auth' | 'network'; message: string; status?: number }
  /** The session changed a request on its own (a refused default field was dropped): shown once as a warning. */
  | { type: 'notice'; message: string }
  | { type: 'closed' };

/** Per-model-call measurements. */
export interface TurnMetrics {
  transport: TransportKind;
  /** Attempts used (1 = first try succeeded). */
  attempts: number;
  /** From sending the request to the first server event of the successful attempt (ms). */
  timeToFirstEventMs: number;
  durationMs: number;
  /** Payload bytes of the request that succeeded (uncompressed JSON). */
  bytesSent: number;
  inputItemsSent: number;
  /** True when sent as previous_response_id + only new items. */
  incremental: boolean;
  cachedTokens: number;
}

/** Streamed to the caller while a turn runs. */
export type TurnStreamEvent =
  | { type: 'event'; event: ServerEvent }
  /** The previous attempt failed mid-stream: discard its partial output; a new attempt follows. */
  | { type: 'attempt_reset'; attempt: number; max: number; reason: string };

export type TurnErrorKind =
  | 'auth'
  | 'network'
  | 'server'
  | 'protocol'
  | 'request'
  | 'limit'
  /** No quota / the plan does not include API usage (never retried). */
  | 'quota'
  /** The model does not exist or is not available to this key. */
  | 'model'
  /** The service refused a request field the user set explicitly. */
  | 'refused'
  /** The input does not fit the model's context window (the agent compacts and retries once). */
  | 'context';

export interface TurnResult {
  status: 'completed' | 'incomplete' | 'failed' | 'cancelled';
  responseId?: string;
  /** Authoritative output items (from output_item.done / the terminal response). */
  output: Item[];
  usage: UsageTotals;
  /** `status`: the HTTP status of a refused upgrade or POST, when that is what failed. */
  error?: { message: string; code?: string; kind: TurnErrorKind; status?: number };
  metrics: TurnMetrics;
}

/**
 * Thrown by {@link SessionController.start} when the service refused the session for good before
 * any turn (a refused upgrade saying `insufficient_quota`, `usage_not_included`, `model_not_found`):
 * the run ends with `turnError` as if its first turn had failed so, without another round trip.
 */
export class SessionStartError extends Error {
  readonly turnError: NonNullable<TurnResult['error']>;
  constructor(turnError: NonNullable<TurnResult['error']>) {
    super(turnError.message);
    this.name = 'SessionStartError';
    this.turnError = turnError;
  }
}

export interface TurnOptions {
  signal?: AbortSignal;
  onEvent?: (e: TurnStreamEvent) => void;
}

export interface SessionSnapshot {
  transport: TransportKind;
  connected: boolean;
  /** Age of the current socket (ms), 0 when none. */
  socketAgeMs: number;
  connections: number;
  rotations: number;
  reconnects: number;
  fellBack: boolean;
  lastResponseId: string | null;
  transcriptItems: number;
}

export interface SessionController {
  /** Opens the transport and sends the `generate:false` warm-up (instructions, tools and any transcript). */
  start(): Promise<void>;
  /**
   * One model call: appends `newItems` to the transcript, sends them (incrementally when the chain
   * allows), streams events, appends the output items on completion. Never throws; calls queue.
   */
  runTurn(newItems: Item[], opts?: TurnOptions): Promise<TurnResult>;
  /** Changes non-input request fields (model, instructions, tools…); the next create is full if they changed. */
  setRequestFields(fields: Partial<RequestFields>): void;
  requestFields(): RequestFields;
  /** The full local transcript: every input and output item, in order. */
  transcript(): readonly Item[];
  /** Replaces the transcript (resume, /new, compaction window) and starts a new chain (warm-up when `warm`). */
  resetTranscript(items: Item[], opts?: { warm?: boolean }): Promise<void>;
  /** `POST /responses/compact` over the transcript; the transcript becomes the returned window. */
  compact(): Promise<{ tokensBefore: number; tokensAfter: number; items: Item[] }>;
  status(): SessionSnapshot;
  subscribe(listener: (e: SessionStatusEvent) => void): () => void;
  close(): Promise<void>;
  /**
   * Resolves once queued turns and background work (a rotation's standby warm-up) have settled.
   * Optional extension for tests and benchmarks.
   */
  whenIdle?(): Promise<void>;
}

export type SessionSettings = Pick<
  Settings,
  | 'transport'
  | 'wsDeflate'
  | 'connectTimeoutMs'
  | 'rotationAgeMs'
  | 'heartbeatIntervalMs'
  | 'heartbeatTimeoutMs'
  | 'streamIdleTimeoutMs'
  | 'maxRetries'
  | 'backoffBaseMs'
  | 'backoffMaxMs'
  | 'fallbackReprobeTurns'
> &
  /** Warm-ups (default on) and how long a ready turn waits for one (default 1500 ms). */
  Partial<Pick<Settings, 'warmup' | 'warmupWaitMs'>>;

/** A request field the service refused (`unsupported_value` / `unsupported_parameter` / `unknown_parameter`). */
export interface FieldRefusal {
  /** The field path the service named, e.g. `reasoning.summary`. */
  param: string;
  code: string;
  message: string;
}

/** What to do about a {@link FieldRefusal}. */
export type RefusalDecision =
  /** Resend the same turn at once with `fields` (the field dropped); `notice` is shown once. */
  | { action: 'drop'; fields: RequestFields; notice: string }
  /** Fail the turn with this one-line error (a field the user set explicitly). */
  | { action: 'fail'; message: string }
  /** Not a field this hook knows: the refusal is an ordinary request error. */
  | { action: 'pass' };

export interface SessionControllerOptions {
  baseUrl: string;
  apiKey: string;
  /** Extra request headers: `http` on every HTTP request, `websocket` on the upgrade. Never logged. */
  headers?: { http?: Record<string, string>; websocket?: Record<string, string> };
  /**
   * Called once when the service refused the `generate:false` warm-up (the session stops warming):
   * the runtime remembers it per base URL + model so later sessions skip the round trip.
   */
  onWarmupRefused?: (code: string, message: string) => void;
  /** Decides about a refused request field (default: every refusal is an ordinary request error). */
  onRefusedField?: (refusal: FieldRefusal, fields: RequestFields) => RefusalDecision;
  /** Non-input fields sent with every create: model, instructions, tools, reasoning, store, include, prompt_cache_key… */
  request: RequestFields;
  settings: SessionSettings;
  /** Initial transcript (resume). */
  transcript?: Item[];
  clock?: Clock;
  random?: Random;
}
