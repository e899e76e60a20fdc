/**
 * One model call with recovery (RELIABILITY.md R5–R7, R9–R12): picks incremental vs full
 * (`chain.ts`), streams over the current transport, and on failure reconnects with jittered
 * backoff, rechains once on `previous_response_not_found`, replaces the socket on
 * `websocket_connection_limit_reached`, falls back to HTTP+SSE, and tells listeners to discard
 * partial output before a new attempt. Runs inside the session's serial queue.
 */
import { toHttpBody } from '../protocol/client-events.js';
import {
  classifyError,
  classifyFailedResponse,
  type ErrorClass,
  retryHintFromMessage,
} from '../protocol/errors.js';
import type { Item } from '../protocol/items.js';
import { errorOf, type ServerEvent } from '../protocol/server-events.js';
import { toTotals, ZERO_USAGE } from '../protocol/usage.js';
import { backoffDelayMs, parseRetryAfterMs, RETRY_AFTER_CAP_MS } from '../transport/backoff.js';
import { postSse } from '../transport/http-transport.js';
import {
  isNotResponsesApiStatus,
  notResponsesApiMessage,
  type StreamHandle,
  TransportError,
  type TransportFailure,
  websocketUrl,
} from '../transport/types.js';
import type { WsConnection } from '../transport/ws-transport.js';
import { decideChain } from './chain.js';
import { OutputCollector } from './output.js';
import { buildCreate } from './request.js';
import { switchToStandby } from './rotation.js';
import type { SessionState } from './state.js';
import type { TurnErrorKind, TurnMetrics, TurnOptions, TurnResult } from './types.js';

/** Metrics of a turn that has not sent anything yet. */
export function emptyTurnMetrics(transport: TurnMetrics['transport']): TurnMetrics {
  return {
    transport,
    attempts: 0,
    timeToFirstEventMs: 0,
    durationMs: 0,
    bytesSent: 0,
    inputItemsSent: 0,
    incremental: false,
    cachedTokens: 0,
  };
}

/** Refused default fields dropped per turn at most (each resend is one round trip). */
const MAX_DROPPED_FIELDS = 4;

/** Runs one turn. Never throws. */
export async function executeTurn(
  st: SessionState,
  newItems: Item[],
  opts: TurnOptions,
): Promise<TurnResult> {
  const clock = st.clock;
  const started = clock.now();
  const signal = opts.signal;
  let metrics: TurnMetrics = emptyTurnMetrics(st.mode);
  const finish = (r: Omit<TurnResult, 'metrics' | 'usage' | 'output'> & Partial<TurnResult>): TurnResult => ({
    output: [],
    usage: { ...ZERO_USAGE },
    ...r,
    metrics: { ...metrics, durationMs: clock.now() - started },
  });
  const fail = (kind: TurnErrorKind, message: string, code?: string, status?: number): TurnResult =>
    finish({
      status: 'failed',
      error: { kind, message, ...(code ? { code } : {}), ...(status !== undefined ? { status } : {}) },
    });
  if (signal?.aborted || st.closed) return finish({ status: 'cancelled' });

  const gen = ++st.generation;
  const onAbort = () => {
    st.generation++; // late events of this turn are dropped from now on (R12)
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const emit = (e: Parameters<NonNullable<TurnOptions['onEvent']>>[0]) => {
    try {
      opts.onEvent?.(e);
    } catch {
      // a listener bug must not break the turn
    }
  };
  const max = st.settings.maxRetries;
  let failures = 0;
  let wsSetupFailures = 0;
  let rechained = false;
  let limitResets = 0;
  let dropped = 0;

  /**
   * A final (never retried) error class → the failed turn. `refused_param` asks the session's
   * hook first: a dropped default field resends the same turn at once (returns null).
   */
  const finalError = (
    cls: ErrorClass,
    d: { code?: string | undefined; message: string; param?: string | undefined },
  ): TurnResult | null => {
    const code = d.code;
    switch (cls) {
      case 'quota':
        return fail('quota', d.message, code);
      case 'model':
        return fail('model', d.message, code);
      case 'context':
        return fail('context', d.message, code);
      case 'auth':
        return fail('auth', d.message, code);
      case 'refused_param': {
        if (d.param && code && dropped < MAX_DROPPED_FIELDS) {
          const decision = st.refusal({ param: d.param, code, message: d.message });
          if (decision.action === 'drop') {
            dropped++;
            return null;
          }
          if (decision.action === 'fail') return fail('refused', decision.message, code);
        }
        return fail('request', d.message, code);
      }
      default:
        return fail('request', d.message, code);
    }
  };

  /**
   * The server's requested delay (headers first, then "try again in 1.2s" in the message), or
   * `'too_long'` when it asks for more than we ever wait (the turn then fails at once).
   */
  const serverDelay = (
    headerMs: number | undefined,
    message: string | undefined,
  ): number | undefined | 'too_long' => {
    const ms = headerMs ?? retryHintFromMessage(message);
    if (ms === undefined) return undefined;
    return ms > RETRY_AFTER_CAP_MS ? 'too_long' : ms;
  };
  const tooLong = (message: string, code?: string) =>
    fail(
      'server',
      `the service asks to wait longer than ${RETRY_AFTER_CAP_MS / 1000} s before retrying; try again later (${message})`,
      code,
    );

  /** Backoff before the next attempt; false when cancelled. */
  const wait = async (reason: string, retryAfterMs?: number): Promise<boolean> => {
    const delayMs =
      retryAfterMs ??
      backoffDelayMs(
        failures,
        { baseMs: st.settings.backoffBaseMs, maxMs: st.settings.backoffMaxMs },
        st.random,
      );
    st.reconnects++;
    st.emit({ type: 'reconnecting', attempt: failures, max, reason, delayMs });
    try {
      await clock.sleep(delayMs, signal);
      return true;
    } catch {
      return false;
    }
  };

  try {
    switchToStandby(st);
    await reprobe(st, signal);
    st.transcript.push(...newItems);

    for (;;) {
      if (signal?.aborted || st.closed) return finish({ status: 'cancelled' });
      // 1. A transport to send on.
      let conn: WsConnection | null = null;
      if (st.mode === 'websocket') {
        conn = st.liveConnection();
        if (!conn && st.rotating) {
          await st.rotating;
          if (switchToStandby(st)) conn = st.liveConnection();
        }
        if (!conn) {
          if (st.conn) st.dropConnection();
          try {
            conn = await st.openSocket(failures + 1, signal);
            st.adopt(conn);
          } catch (err) {
            if (signal?.aborted) return finish({ status: 'cancelled' });
            const f = failureOf(err);
            if (f.kind === 'auth')
              return fail(
                'auth',
                authMessage(f),
                f.code ?? (f.status ? `http_${f.status}` : undefined),
                f.status,
              );
            const auto = st.settings.transport === 'auto';
            if (f.kind === 'no_websocket' || f.kind === 'fatal') {
              if (!auto && f.status !== undefined && isNotResponsesApiStatus(f.status))
                return fail(
                  'request',
                  notResponsesApiMessage(websocketUrl(st.baseUrl), `the upgrade with HTTP ${f.status}`),
                  'not_responses_api',
                );
              if (!auto) return fail('network', f.message);
              st.fallBack(f.message);
              continue;
            }
            wsSetupFailures++;
            if (auto && wsSetupFailures >= 2) {
              st.fallBack(`WebSocket setup failed twice: ${f.message}`);
              failures = 0;
              continue;
            }
            failures++;
            if (failures > max) return fail('network', `gave up after ${failures} attempts: ${f.message}`);
            const hint = serverDelay(f.retryAfterMs, undefined);
            if (hint === 'too_long') return tooLong(f.message, f.code);
            if (!(await wait(f.message, hint))) return finish({ status: 'cancelled' });
            continue;
          }
        }
      }

      // 2. The request: incremental when the chain allows (R9).
      const fullInput = [...st.transcript];
      const keyAtSend = st.fieldsKey;
      const decision = decideChain(st.anchor, {
        transport: st.mode,
        connectionId: conn?.id ?? null,
        fieldsKey: keyAtSend,
        fullInput,
        store: st.store(),
      });
      const payload = buildCreate(
        st.fields,
        decision.items,
        decision.mode === 'incremental' ? decision.previousResponseId : null,
      );
      const collector = new OutputCollector();
      let forwarded = 0;
      const onEvent = (e: ServerEvent) => {
        if (st.generation !== gen) return; // cancelled or reset: drop late events
        collector.handle(e);
        if (e.type === 'error') return; // handled below; never shown as output
        forwarded++;
        emit({ type: 'event', event: e });
      };
      const streamOpts = {
        onEvent,
        idleTimeoutMs: st.settings.streamIdleTimeoutMs,
        ...(signal ? { signal } : {}),
      };
      const sentAt = clock.now();
      const handle: StreamHandle = conn
        ? conn.stream(payload, streamOpts)
        : postSse(toHttpBody(payload) as unknown as Record<string, unknown>, {
            ...streamOpts,
            baseUrl: st.baseUrl,
            apiKey: st.apiKey,
            headers: st.httpHeaders,
            connectTimeoutMs: st.settings.connectTimeoutMs,
            clock,
          });
      metrics = {
        ...metrics,
        transport: conn ? 'websocket' : 'http',
        attempts: metrics.attempts + 1,
        bytesSent: handle.bytes,
        inputItemsSent: decision.items.length,
        incremental: decision.mode === 'incremental',
      };
      const outcome = await handle.done;
      const first = handle.firstEventAt();
      metrics.timeToFirstEventMs = first === null ? 0 : first - sentAt;
      if (signal?.aborted || outcome.type === 'aborted') {
        if (conn && !conn.isAlive()) st.dropConnection();
        return finish({ status: 'cancelled' });
      }
      const resetIfShown = (reason: string) => {
        if (forwarded > 0) emit({ type: 'attempt_reset', attempt: metrics.attempts, max: max + 1, reason });
      };

      // 3. What happened.
      switch (outcome.type) {
        case 'terminal': {
          const resp = outcome.event.response;
          const usage = toTotals(resp.usage);
          metrics.cachedTokens = usage.cachedTokens;
          const output = collector.final(resp);
          if (outcome.event.type === 'response.failed') {
            // The parent is evicted after a failure; the next request is a full create on a new socket (R5).
            st.anchor = null;
            if (conn) st.dropConnection();
            const err = resp.error ?? {};
            const message = typeof err.message === 'string' ? err.message : 'response failed';
            const code = typeof err.code === 'string' ? err.code : undefined;
            const cls = classifyFailedResponse(code);
            if (cls !== 'retry') {
              const final = finalError(cls, { code, message });
              if (final) return { ...final, responseId: resp.id, usage };
              resetIfShown(`request adjusted: ${message}`);
              continue;
            }
            // Transient (rate limit, overload, server error): retried like Codex, honouring
            // "Please try again in 1.2s." — the failed response's calls never ran (R8).
            resetIfShown(message);
            failures++;
            if (failures > max) return fail('server', `gave up after ${failures} attempts: ${message}`, code);
            const delay = serverDelay(undefined, message);
            if (delay === 'too_long') return tooLong(message, code);
            if (!(await wait(message, delay))) return finish({ status: 'cancelled' });
            continue;
          }
          st.transcript.push(...output);
          st.anchor = {
            transport: conn ? 'websocket' : 'http',
            connectionId: conn?.id ?? null,
            responseId: resp.id,
            fieldsKey: keyAtSend,
            input: fullInput,
            output,
            completed: outcome.event.type === 'response.completed',
          };
          if (!conn) st.httpTurns++;
          if (failures > 0 || rechained || limitResets > 0)
            st.emit({ type: 'recovered', transport: conn ? 'websocket' : 'http' });
          return finish({
            status: outcome.event.type === 'response.completed' ? 'completed' : 'incomplete',
            responseId: resp.id,
            output,
            usage,
          });
        }
        case 'error': {
          const d = errorOf(outcome.event);
          const code = d.code ?? undefined;
          const cls = classifyError(code, d.status);
          // Any error on a continuation evicts its parent from the connection cache (§2.3).
          if (!st.store() || cls === 'rechain') st.anchor = null;
          switch (cls) {
            case 'rechain':
              if (rechained) {
                return fail(
                  'protocol',
                  `previous_response_not_found again after a full-context resend; giving up (${d.message})`,
                  code,
                );
              }
              rechained = true;
              st.emit({ type: 'rechained', reason: code ?? 'previous_response_not_found' });
              resetIfShown('previous response not found');
              continue;
            case 'reconnect': {
              limitResets++;
              if (limitResets > max + 1) return fail('limit', d.message, code);
              const age = conn?.ageMs() ?? 0;
              st.dropConnection();
              st.rotations++;
              st.emit({ type: 'rotated', reason: 'connection_limit', socketAgeMs: age });
              resetIfShown('connection limit reached');
              continue;
            }
            case 'retry': {
              if (conn) st.dropConnection();
              resetIfShown(d.message);
              failures++;
              if (failures > max)
                return fail('server', `gave up after ${failures} attempts: ${d.message}`, code);
              const hint = serverDelay(
                parseRetryAfterMs(d.headers, clock.wallNow(), Number.POSITIVE_INFINITY),
                d.message,
              );
              if (hint === 'too_long') return tooLong(d.message, code);
              if (!(await wait(d.message, hint))) return finish({ status: 'cancelled' });
              continue;
            }
            case 'auth':
            case 'quota':
            case 'model':
            case 'context':
            case 'refused_param':
            case 'fatal': {
              const final = finalError(cls, { code, message: d.message, param: d.param ?? undefined });
              if (final) return final;
              resetIfShown(`request adjusted: ${d.message}`);
              continue;
            }
            default: {
              const unreachable: never = cls;
              return fail('protocol', `unexpected error class ${String(unreachable)}`);
            }
          }
        }
        case 'failure': {
          const f = outcome.failure;
          if (conn) st.dropConnection();
          if (f.kind === 'auth')
            return fail(
              'auth',
              authMessage(f),
              f.code ?? (f.status ? `http_${f.status}` : undefined),
              f.status,
            );
          // An HTTP error body's code wins over its status (429 insufficient_quota is final).
          const byCode = f.code ? classifyError(f.code, f.status) : undefined;
          if (
            byCode &&
            byCode !== 'retry' &&
            byCode !== 'fatal' &&
            byCode !== 'rechain' &&
            byCode !== 'reconnect'
          ) {
            const final = finalError(byCode, { code: f.code, message: f.message, param: f.param });
            if (final) return final;
            resetIfShown(`request adjusted: ${f.message}`);
            continue;
          }
          resetIfShown(f.message);
          const auto = st.settings.transport === 'auto';
          if (f.kind === 'fatal' || f.kind === 'no_websocket') {
            // A non-recoverable close (1002/1003/1008/1009…) means the socket path refuses this
            // request; in auto mode replay it over HTTP+SSE (Codex falls back after 1008 too).
            if (conn && auto) {
              st.fallBack(f.message);
              failures = 0;
              continue;
            }
            return fail(f.reason === 'http_status' ? 'request' : 'network', f.message, f.code);
          }
          // "Setup failing": a socket that never delivered a single frame (a socket that served
          // earlier turns and then goes half-open is a reconnect, not a reason to leave WebSocket).
          if (conn && forwarded === 0 && conn.framesReceived === 0 && auto && ++wsSetupFailures >= 2) {
            st.fallBack(`WebSocket failed twice before any event: ${f.message}`);
            failures = 0;
            continue;
          }
          failures++;
          if (failures > max)
            return fail('network', `gave up after ${failures} attempts: ${f.message}`, f.code);
          const hint = serverDelay(f.retryAfterMs, f.reason === 'http_status' ? f.message : undefined);
          if (hint === 'too_long') return tooLong(f.message, f.code);
          if (!(await wait(f.message, hint))) return finish({ status: 'cancelled' });
          continue;
        }
        default: {
          const unreachable: never = outcome;
          return fail('protocol', `unexpected outcome ${JSON.stringify(unreachable)}`);
        }
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** After `fallbackReprobeTurns` HTTP turns, tries the WebSocket again (one probe, no retries). */
async function reprobe(st: SessionState, signal?: AbortSignal): Promise<void> {
  const n = st.settings.fallbackReprobeTurns;
  if (!st.fellBack || st.mode !== 'http' || st.settings.transport !== 'auto' || n <= 0 || st.httpTurns < n)
    return;
  st.httpTurns = 0;
  try {
    const conn = await st.openSocket(1, signal);
    st.mode = 'websocket';
    st.fellBack = false;
    st.anchor = null;
    st.adopt(conn);
    st.emit({ type: 'recovered', transport: 'websocket' });
  } catch {
    // stay on HTTP; probe again after another n turns
  }
}

/** One wording for refused credentials, whichever transport saw them (never retried). */
function authMessage(f: TransportFailure): string {
  return `authentication failed: ${f.message}`;
}

function failureOf(err: unknown): TransportFailure {
  if (err instanceof TransportError) return err.failure;
  return {
    kind: 'retryable',
    reason: 'connect_failed',
    message: err instanceof Error ? err.message : String(err),
  };
}
