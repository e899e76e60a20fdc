/**
 * The `generate:false` warm-up (PROTOCOL.md §2.2, §10.4), Codex's shape: the very body the next
 * request carries (model, instructions, tools, tool_choice, parallel_tool_calls, store, include,
 * reasoning as negotiated, prompt_cache_key — the session's current fields; the upgrade's
 * headers) with the answered transcript as input and `generate:false`; the next turn chains
 * from its id with `previous_response_id` when it completed.
 *
 * It must never hurt:
 * - **Refused** (a 4xx `error` refusing `generate` or the request as such, or a completed
 *   "warm-up" that generated output anyway; not a rate limit, quota, credentials): one
 *   round trip, once per session — later sockets of the session are not warmed — and
 *   `onWarmupRefused` remembers it per base URL + model, so later sessions skip it for a while.
 * - **Never delays a turn by more than `warmupWaitMs`.** On session start and on /new the
 *   warm-up runs in the background (`beginWarmup`). A turn that becomes ready while it is still
 *   unanswered waits at most `warmupWaitMs` (`settleWarmup`); then the warm-up's socket is
 *   dropped — a Gen-1 socket serves one response at a time, so a request queued behind a silent
 *   warm-up would wait just as long — and the turn goes out unchained on a new socket. Warm-ups
 *   stay off for the rest of the session (not remembered: a slow answer may be transient).
 */
import { classifyError } from '../protocol/errors.js';
import { errorOf } from '../protocol/server-events.js';
import type { WsConnection } from '../transport/ws-transport.js';
import type { ChainAnchor } from './chain.js';
import { answeredPrefixLength } from './pairing.js';
import { buildCreate } from './request.js';
import type { SessionState } from './state.js';

/** Default of `warmupWaitMs` when the settings leave it out (ms). */
export const DEFAULT_WARMUP_WAIT_MS = 1_500;

/** Refused default fields a warm-up drops (and re-sends without) at most. */
const MAX_WARMUP_DROPS = 2;

/** A warm-up in flight on the current socket. */
export interface Warming {
  conn: WsConnection;
  /** The session generation it was sent for (a reset or a turn moves on). */
  generation: number;
  /** Its anchor, or null when it failed, was refused or was abandoned. Never rejects. */
  done: Promise<ChainAnchor | null>;
  settled: boolean;
}

/** Whether this session still sends warm-ups. */
export function warmupsOn(st: SessionState): boolean {
  return st.settings.warmup !== false && !st.warmRefused;
}

/**
 * Sends the warm-up on `conn` and resolves with the anchor the next turn chains from. Throws on
 * any failure. A refused default field (unverified organization, a model without reasoning) is
 * dropped and the warm-up re-sent with the fields the turn will really carry.
 */
export async function warm(st: SessionState, conn: WsConnection, signal?: AbortSignal): Promise<ChainAnchor> {
  for (let drops = 0; ; drops++) {
    const r = await warmOnce(st, conn, signal);
    if (r !== 'again' || drops >= MAX_WARMUP_DROPS) {
      if (r === 'again') throw new Error('warm-up refused: request adjusted');
      return r;
    }
  }
}

async function warmOnce(
  st: SessionState,
  conn: WsConnection,
  signal: AbortSignal | undefined,
): Promise<ChainAnchor | 'again'> {
  const started = st.clock.now();
  // Between tool turns the transcript ends in calls whose outputs are still being produced;
  // warm with the answered prefix and let the next turn send the rest incrementally.
  const input = st.transcript.slice(0, answeredPrefixLength(st.transcript));
  const key = st.fieldsKey;
  const payload = buildCreate(st.fields, input, null, false);
  const handle = conn.stream(payload, {
    onEvent: () => {},
    idleTimeoutMs: st.settings.streamIdleTimeoutMs,
    ...(signal ? { signal } : {}),
  });
  const outcome = await handle.done;
  if (outcome.type === 'error') {
    const d = errorOf(outcome.event);
    const cls = classifyError(d.code, d.status);
    // A refused default field is learnt here already; the warm-up is re-sent without it.
    if (cls === 'refused_param' && d.param && d.code && d.param !== 'generate') {
      if (st.refusal({ param: d.param, code: d.code, message: d.message }).action === 'drop') return 'again';
    }
    // A verdict on warm-ups: `generate` refused, or a plain invalid request. Not one: transient
    // errors, credentials, quota, an unknown model, a field the user set — the turn says those.
    const verdict = cls === 'fatal' || (cls === 'refused_param' && (!d.param || d.param === 'generate'));
    if (verdict) refuse(st, d.code ?? `http_${d.status ?? 400}`, d.message);
    throw new Error(`warm-up refused: ${d.message}`);
  }
  if (outcome.type !== 'terminal') {
    const why = outcome.type === 'failure' ? outcome.failure.message : outcome.type;
    // Silent until the idle timeout: the socket is still busy with it server-side (one response
    // at a time), so it is unusable and this service does not answer warm-ups in time.
    if (outcome.type === 'failure' && outcome.failure.reason === 'idle_timeout') st.warmRefused = true;
    throw new SocketUnusable(`warm-up failed: ${why}`);
  }
  const resp = outcome.event.response;
  if (outcome.event.type !== 'response.completed') {
    // `response.failed` (a rate limit, an overload) or `incomplete`: this warm-up failed, warm-ups
    // as such were not refused — the socket stays usable, nothing is remembered.
    throw new Error(`warm-up failed: ${outcome.event.type}`);
  }
  if (Array.isArray(resp.output) && resp.output.length > 0) {
    // `generate` was ignored (a gateway that drops unknown fields): the service now holds output
    // this transcript does not have, so the chain must not continue from it.
    refuse(st, 'generate_ignored', 'the service generated output for a generate:false warm-up');
    throw new Error('warm-up refused: generate:false was ignored');
  }
  const anchor: ChainAnchor = {
    transport: 'websocket',
    connectionId: conn.id,
    responseId: resp.id,
    fieldsKey: key,
    input,
    output: [],
    completed: true,
  };
  st.emit({
    type: 'warmed',
    responseId: anchor.responseId,
    fullContext: input.length > 0,
    durationMs: st.clock.now() - started,
  });
  return anchor;
}

/** A warm-up that failed at the transport level: its socket must not carry the next request. */
class SocketUnusable extends Error {}

/** Warm-ups are off for the rest of the session; the hook remembers it for the base URL + model. */
function refuse(st: SessionState, code: string, message: string): void {
  if (st.warmRefused) return;
  st.warmRefused = true;
  st.onWarmupRefused?.(code, message);
}

/** Sends the warm-up on the current socket in the background (session start, /new). */
export function beginWarmup(st: SessionState, conn: WsConnection): void {
  const w: Warming = { conn, generation: st.generation, settled: false, done: Promise.resolve(null) };
  w.done = warm(st, conn).then(
    (a) => {
      // Nobody claimed the socket meanwhile: the chain continues from the warm-up already.
      if (st.warming === w && w.generation === st.generation && st.conn === conn) st.anchor = a;
      return a;
    },
    (err: unknown) => {
      // Dropped, stalled past the idle timeout, half-open: the next turn takes a new socket.
      if (err instanceof SocketUnusable && st.warming === w && st.conn === conn) st.dropConnection();
      return null;
    },
  );
  void w.done.finally(() => {
    w.settled = true;
  });
  st.warming = w;
}

/**
 * Resolves an in-flight warm-up before the socket is used: adopts its anchor when it answered
 * (for this generation, on the current socket); waits at most `warmupWaitMs` for it; drops its
 * socket and stops warming this session when it is still unanswered by then.
 */
export async function settleWarmup(st: SessionState, signal?: AbortSignal): Promise<void> {
  const w = st.warming;
  if (!w) return;
  if (!w.settled) await raceBound(st, w.done, signal);
  if (st.warming !== w) return; // settled by someone else meanwhile
  st.warming = null;
  if (w.settled) {
    const anchor = await w.done;
    if (anchor && w.generation === st.generation && st.conn === w.conn) st.anchor = anchor;
    return;
  }
  if (signal?.aborted) {
    // The turn was cancelled while waiting: leave the warm-up be (it is still the socket's).
    st.warming = w;
    return;
  }
  // Unanswered within the bound: the socket is busy with it, so the turn takes a new one.
  st.warmRefused = true;
  if (st.conn === w.conn) st.dropConnection();
  else w.conn.terminate('warm-up not answered');
}

/** Waits for `p`, at most `warmupWaitMs` (or until `signal` aborts). Never rejects. */
export async function raceBound(st: SessionState, p: Promise<unknown>, signal?: AbortSignal): Promise<void> {
  const bound = st.settings.warmupWaitMs ?? DEFAULT_WARMUP_WAIT_MS;
  const timer = new AbortController();
  const onAbort = () => timer.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([
      p.catch(() => undefined),
      st.clock.sleep(bound, timer.signal).catch(() => undefined),
    ]);
  } finally {
    timer.abort();
    signal?.removeEventListener('abort', onAbort);
  }
}
