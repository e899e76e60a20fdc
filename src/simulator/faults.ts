/**
 * Fault injection: what can go wrong, and which request/event it hits.
 * Requests are numbered 1, 2, 3… in arrival order over all `response.create` requests the
 * simulator has received (both transports, warm-ups included). Events are numbered from 1
 * (`response.created`) within a response; "after event k" with k = 0 means before the first event.
 */

/** Which requests a fault applies to. */
export interface FaultTarget {
  /** 1-based request number(s); omitted = every request. */
  request?: number | number[];
  /** Maximum number of times the fault fires; omitted = unlimited. */
  times?: number;
  /** Restrict to one transport; omitted = both. */
  transport?: 'websocket' | 'http';
}

/** Drop the connection after event k (WebSocket: terminate or close frame; HTTP: cut the SSE stream). */
export interface DropFault extends FaultTarget {
  event: number;
  /** `terminate` destroys TCP (the client sees 1006); `close` sends a close frame with `code`. */
  mode?: 'terminate' | 'close';
  /** Close code for `mode:'close'` (1006 is not sendable and means terminate). Default 1011. */
  code?: number;
  reason?: string;
}

/** Stop sending after event k. `stall` keeps answering pings; `halfOpen` stops answering them too. */
export interface SilenceFault extends FaultTarget {
  event: number;
}

/** Refuse the WebSocket upgrade with an HTTP status. */
export interface RefuseFault {
  status: number;
  /** Only the first N upgrades are refused; omitted = all. */
  times?: number;
  /** Extra response headers (e.g. `retry-after-ms`). */
  headers?: Record<string, string>;
  /** Error code in the body (e.g. `insufficient_quota`, `rate_limit_exceeded`); default none (`code: null`). */
  code?: string;
}

/** Inject a bad frame after event k (WebSocket only; HTTP gets a malformed `data:` line / unknown event). */
export interface MalformedFault extends FaultTarget {
  event: number;
  kind: 'json' | 'binary' | 'unknown-event';
}

/** End the response after event k with an error. */
export interface ErrorFault extends FaultTarget {
  event?: number;
  /** `wrapped`: `{type:'error',status,error:{…}}`; `flat`: mid-stream `{type:'error',code,message}`; `failed`: `response.failed`. */
  shape: 'wrapped' | 'flat' | 'failed';
  /** HTTP-like status of a wrapped error (default 500). */
  status?: number;
  code: string;
  message?: string;
  headers?: Record<string, string>;
}

/** Answer an HTTP `POST /responses` with an error status before streaming. */
export interface HttpStatusFault extends FaultTarget {
  status: number;
  code?: string;
  headers?: Record<string, string>;
}

/**
 * Account and model behaviour of the service (PROTOCOL §10): switches, not one-off faults.
 * Models without reasoning (gpt-4.1*, gpt-4o*, gpt-4*, gpt-3.5*) always refuse `reasoning`.
 */
export interface AccountSwitches {
  /** The organization is not verified: a request carrying `reasoning.summary` gets 400 `unsupported_value`. */
  unverifiedOrg?: boolean;
  /** Every create is refused: 429 `insufficient_quota`, or 429 `usage_not_included`. */
  quota?: 'insufficient_quota' | 'usage_not_included';
  /** Models the simulator does not list answer 400 `model_not_found`. */
  strictModels?: boolean;
  /** `generate: false` warm-ups are refused with 400 `unknown_parameter` `generate` (a gateway without warm-ups). */
  refuseWarmup?: boolean;
  /**
   * `generate: false` warm-ups are accepted (`response.created`) and never answered: the socket
   * keeps answering pings but, one response at a time (Gen 1), serves nothing after the warm-up.
   */
  silentWarmup?: boolean;
  /** `generate: false` is ignored (a gateway that drops unknown fields): the "warm-up" generates a normal response. */
  ignoreGenerate?: boolean;
}

/** Every N-th generated response (warm-ups excluded) fails with `response.failed` `rate_limit_exceeded`. */
export interface RateLimitFault {
  every: number;
  /** The delay the message asks for ("Please try again in 1.2s."); default 1200 ms. */
  retryAfterMs?: number;
}

/** All faults; lists fire in order (the first matching entry of each kind wins per request). */
export interface FaultSpec {
  /** Account/model switches (unverified organization, quota, strict model names). */
  account?: AccountSwitches;
  rateLimit?: RateLimitFault;
  /** Context window in tokens: a generated response whose input exceeds it fails with `context_length_exceeded`. */
  contextWindow?: number;
  /** A `keepalive` event after every N events of a response (default 200; 0 = never). */
  keepaliveEvery?: number;
  /**
   * After a reconnect (a full-context request on a socket that has served nothing yet, or an
   * HTTP request), the response re-delivers the conversation's last answered function call with
   * the same `call_id`, as a service may; at most `times` times (default 1).
   */
  redeliverCall?: { times?: number };
  drop?: DropFault | DropFault[];
  stall?: SilenceFault | SilenceFault[];
  halfOpen?: SilenceFault | SilenceFault[];
  refuseUpgrade?: RefuseFault;
  malformed?: MalformedFault | MalformedFault[];
  error?: ErrorFault | ErrorFault[];
  httpStatus?: HttpStatusFault | HttpStatusFault[];
  /** Delay between events (ms). */
  eventDelayMs?: number;
  /** Every K-th request that carries `previous_response_id` fails with `previous_response_not_found`. */
  prevNotFound?: { every: number };
  /** WebSocket connection age limit (ms). */
  ageLimitMs?: number;
  /** Per-request latency before the first event (ms). */
  latencyMs?: number;
  /** Extra cost per new HTTP connection (ms). */
  httpHandshakeMs?: number;
  /** Service time per token of context not in the connection-local cache (µs; see SimulatorOptions). */
  contextCostUsPerToken?: number;
}

/** The faults that hit one request, resolved once when it starts. */
export interface RequestFaults {
  drop?: DropFault;
  stall?: SilenceFault;
  halfOpen?: SilenceFault;
  malformed: MalformedFault[];
  error?: ErrorFault;
  httpStatus?: HttpStatusFault;
}

/** Normalises a one-or-many field. */
export function list<T>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Counts firings per fault object so `times` works across requests. */
export class FaultCounter {
  private used = new WeakMap<object, number>();

  /** True when `target` applies to request `n` on `transport` and has firings left (consumes one). */
  take(target: FaultTarget, n: number, transport: 'websocket' | 'http'): boolean {
    if (target.transport && target.transport !== transport) return false;
    if (target.request !== undefined && !list(target.request).includes(n)) return false;
    const used = this.used.get(target) ?? 0;
    if (target.times !== undefined && used >= target.times) return false;
    this.used.set(target, used + 1);
    return true;
  }

  /** For refusals: true while fewer than `times` upgrades were refused (consumes one). */
  takeRefusal(f: RefuseFault): boolean {
    const used = this.used.get(f) ?? 0;
    if (f.times !== undefined && used >= f.times) return false;
    this.used.set(f, used + 1);
    return true;
  }
}

/** Resolves the faults of request `n` from every active spec (server first, then scenario). */
export function resolveFaults(
  specs: FaultSpec[],
  counter: FaultCounter,
  n: number,
  transport: 'websocket' | 'http',
): RequestFaults {
  const out: RequestFaults = { malformed: [] };
  const first = <T extends FaultTarget>(pick: (s: FaultSpec) => T | T[] | undefined): T | undefined => {
    for (const spec of specs) for (const f of list(pick(spec))) if (counter.take(f, n, transport)) return f;
    return undefined;
  };
  const drop = first((s) => s.drop);
  if (drop) out.drop = drop;
  const stall = first((s) => s.stall);
  if (stall) out.stall = stall;
  const halfOpen = first((s) => s.halfOpen);
  if (halfOpen) out.halfOpen = halfOpen;
  const error = first((s) => s.error);
  if (error) out.error = error;
  const httpStatus = transport === 'http' ? first((s) => s.httpStatus) : undefined;
  if (httpStatus) out.httpStatus = httpStatus;
  for (const spec of specs)
    for (const f of list(spec.malformed)) if (counter.take(f, n, transport)) out.malformed.push(f);
  return out;
}

/** First defined numeric setting across specs (server spec wins over scenario spec). */
export function numberSetting(
  specs: FaultSpec[],
  key:
    | 'eventDelayMs'
    | 'ageLimitMs'
    | 'latencyMs'
    | 'httpHandshakeMs'
    | 'contextCostUsPerToken'
    | 'contextWindow'
    | 'keepaliveEvery',
): number | undefined {
  for (const s of specs) if (typeof s[key] === 'number') return s[key];
  return undefined;
}

/** Merges fault specs: lists are concatenated, scalars from later specs win. */
export function mergeFaults(...specs: FaultSpec[]): FaultSpec {
  const out: FaultSpec = {};
  for (const s of specs) {
    for (const key of ['drop', 'stall', 'halfOpen', 'malformed', 'error', 'httpStatus'] as const) {
      const items = [...list(out[key] as unknown[] | undefined), ...list(s[key] as unknown[] | undefined)];
      if (items.length > 0) (out as Record<string, unknown>)[key] = items;
    }
    if (s.refuseUpgrade) out.refuseUpgrade = s.refuseUpgrade;
    if (s.account) out.account = { ...out.account, ...s.account };
    if (s.rateLimit) out.rateLimit = s.rateLimit;
    if (s.redeliverCall) out.redeliverCall = s.redeliverCall;
    for (const key of ['contextWindow', 'keepaliveEvery'] as const) {
      if (s[key] !== undefined) out[key] = s[key];
    }
    if (s.prevNotFound) out.prevNotFound = s.prevNotFound;
    for (const key of [
      'eventDelayMs',
      'ageLimitMs',
      'latencyMs',
      'httpHandshakeMs',
      'contextCostUsPerToken',
    ] as const) {
      if (s[key] !== undefined) out[key] = s[key];
    }
  }
  return out;
}

/** The flat mid-stream `error` event (§4.1 shape 2) an injected error fault produces. */
export function injectedErrorEvent(f: ErrorFault, seq: number): Record<string, unknown> {
  return {
    type: 'error',
    code: f.code,
    message: f.message ?? `Injected ${f.code}.`,
    param: null,
    sequence_number: seq,
  };
}

/**
 * The `response.failed` event an injected error fault with shape `failed` produces: the complete
 * `Response` object of the request (`base`, as the terminal event would carry it) in state failed.
 */
export function injectedFailedEvent(
  f: ErrorFault,
  seq: number,
  base: Record<string, unknown>,
): Record<string, unknown> {
  return {
    type: 'response.failed',
    sequence_number: seq,
    response: failedResponse(base, f.code, f.message ?? `Injected ${f.code}.`),
  };
}

/** `base` (a complete Response object) turned into a failed one with `error`. */
export function failedResponse(
  base: Record<string, unknown>,
  code: string,
  message: string,
): Record<string, unknown> {
  return {
    ...base,
    status: 'failed',
    completed_at: null,
    incomplete_details: null,
    output: [],
    error: { code, message },
  };
}

/** A switch's value across specs (server spec wins over scenario spec). */
export function accountSwitch<K extends keyof AccountSwitches>(
  specs: FaultSpec[],
  key: K,
): AccountSwitches[K] | undefined {
  for (const s of specs) if (s.account?.[key] !== undefined) return s.account[key];
  return undefined;
}
