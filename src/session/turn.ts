/**
 * One model call with recovery (RELIABILITY.md R5–R7, R9–R12): picks incremental vs full
 * (`chain.ts`), streams over the current transport, and on failure reconnects with jittered
 * backoff, rechains once on `previous_response_not_found`, replaces the socket on
 * `websocket_connection_limit_reached`, falls back to HTTP+SSE, and tells listeners to discard
 * partial output before a new attempt. Runs inside the session's serial queue.
 */
import { toHttpBody } from '../protocol/client-events.js';
import { classifyError, classifyFailedResponse } from '../protocol/errors.js';
import type { Item } from '../protocol/items.js';
import { errorOf, type ServerEvent } from '../protocol/server-events.js';
import { toTotals } from '../protocol/usage.js';
import { parseRetryAfterMs } from '../transport/backoff.js';
import { postSse } from '../transport/http-transport.js';
import {
  isNotResponsesApiStatus,
  notResponsesApiMessage,
  type StreamHandle,
  websocketUrl,
} from '../transport/types.js';
import type { WsConnection } from '../transport/ws-transport.js';
import { decideChain } from './chain.js';
import { OutputCollector } from './output.js';
import { buildCreate } from './request.js';
import { switchToStandby } from './rotation.js';
import type { SessionState } from './state.js';
import { authMessage, failureOf, finalUpgradeError, reprobe, TurnContext } from './turn-context.js';
import type { TurnOptions, TurnResult } from './types.js';
import { raceBound, settleWarmup } from './warmup.js';

/** Runs one turn. Never throws. */
export async function executeTurn(
  st: SessionState,
  newItems: Item[],
  opts: TurnOptions,
): Promise<TurnResult> {
  const clock = st.clock;
  const signal = opts.signal;
  const t = new TurnContext(st, opts);
  if (signal?.aborted || st.closed) return t.cancelled();

  // A warm-up still in flight is answered, or abandoned after `warmupWaitMs` (warmup.ts).
  await settleWarmup(st, signal);
  if (signal?.aborted || st.closed) return t.cancelled();
  const gen = ++st.generation;
  const onAbort = () => {
    st.generation++; // late events of this turn are dropped from now on (R12)
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const max = t.max;

  try {
    switchToStandby(st);
    await reprobe(st, signal);
    st.transcript.push(...newItems);

    for (;;) {
      if (signal?.aborted || st.closed) return t.cancelled();
      // 1. A transport to send on.
      let conn: WsConnection | null = null;
      if (st.mode === 'websocket') {
        conn = st.liveConnection();
        if (!conn && st.rotating) {
          // A replacement being warmed in the background: worth a short wait, never a long one.
          await raceBound(st, st.rotating, signal);
          if (switchToStandby(st)) conn = st.liveConnection();
        }
        if (!conn) {
          if (st.conn) st.dropConnection();
          try {
            conn = await st.openSocket(t.failures + 1, signal);
            st.adopt(conn);
          } catch (err) {
            if (signal?.aborted) return t.cancelled();
            const f = failureOf(err);
            // A refused upgrade whose body names a final error (quota, plan, model) ends the turn
            // at once, exactly like the same error over HTTP or as an `error` event.
            const final = finalUpgradeError(f);
            if (final) return t.fail(final.kind, final.message, f.code, f.status);
            if (f.kind === 'auth')
              return t.fail(
                'auth',
                authMessage(f),
                f.code ?? (f.status ? `http_${f.status}` : undefined),
                f.status,
              );
            const auto = st.settings.transport === 'auto';
            if (f.kind === 'no_websocket' || f.kind === 'fatal') {
              if (!auto && f.status !== undefined && isNotResponsesApiStatus(f.status))
                return t.fail(
                  'request',
                  notResponsesApiMessage(websocketUrl(st.baseUrl), `the upgrade with HTTP ${f.status}`),
                  'not_responses_api',
                );
              if (!auto) return t.fail('network', f.message);
              st.fallBack(f.message);
              continue;
            }
            t.wsSetupFailures++;
            if (auto && t.wsSetupFailures >= 2) {
              st.fallBack(`WebSocket setup failed twice: ${f.message}`);
              t.failures = 0;
              continue;
            }
            t.failures++;
            if (t.failures > max)
              return t.fail('network', `gave up after ${t.failures} attempts: ${f.message}`);
            const hint = t.serverDelay(f.retryAfterMs, undefined);
            if (hint === 'too_long') return t.tooLong(f.message, f.code);
            if (!(await t.wait(f.message, hint))) return t.cancelled();
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
        t.emit({ type: 'event', event: e });
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
      t.metrics = {
        ...t.metrics,
        transport: conn ? 'websocket' : 'http',
        attempts: t.metrics.attempts + 1,
        bytesSent: handle.bytes,
        inputItemsSent: decision.items.length,
        incremental: decision.mode === 'incremental',
      };
      const outcome = await handle.done;
      const first = handle.firstEventAt();
      t.metrics.timeToFirstEventMs = first === null ? 0 : first - sentAt;
      if (signal?.aborted || outcome.type === 'aborted') {
        if (conn && !conn.isAlive()) st.dropConnection();
        return t.cancelled();
      }
      const resetIfShown = (reason: string) => {
        if (forwarded > 0)
          t.emit({ type: 'attempt_reset', attempt: t.metrics.attempts, max: max + 1, reason });
      };

      // 3. What happened.
      switch (outcome.type) {
        case 'terminal': {
          const resp = outcome.event.response;
          const usage = toTotals(resp.usage);
          t.metrics.cachedTokens = usage.cachedTokens;
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
              const final = t.finalError(cls, { code, message });
              if (final) return { ...final, responseId: resp.id, usage };
              resetIfShown(`request adjusted: ${message}`);
              continue;
            }
            // Transient (rate limit, overload, server error): retried like Codex, honouring
            // "Please try again in 1.2s." — the failed response's calls never ran (R8).
            resetIfShown(message);
            t.failures++;
            if (t.failures > max)
              return t.fail('server', `gave up after ${t.failures} attempts: ${message}`, code);
            const delay = t.serverDelay(undefined, message);
            if (delay === 'too_long') return t.tooLong(message, code);
            if (!(await t.wait(message, delay))) return t.cancelled();
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
          if (t.failures > 0 || t.rechained || t.limitResets > 0)
            st.emit({ type: 'recovered', transport: conn ? 'websocket' : 'http' });
          return t.finish({
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
              if (t.rechained) {
                return t.fail(
                  'protocol',
                  `previous_response_not_found again after a full-context resend; giving up (${d.message})`,
                  code,
                );
              }
              t.rechained = true;
              st.emit({ type: 'rechained', reason: code ?? 'previous_response_not_found' });
              resetIfShown('previous response not found');
              continue;
            case 'reconnect': {
              t.limitResets++;
              if (t.limitResets > max + 1) return t.fail('limit', d.message, code);
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
              t.failures++;
              if (t.failures > max)
                return t.fail('server', `gave up after ${t.failures} attempts: ${d.message}`, code);
              const hint = t.serverDelay(
                parseRetryAfterMs(d.headers, clock.wallNow(), Number.POSITIVE_INFINITY),
                d.message,
              );
              if (hint === 'too_long') return t.tooLong(d.message, code);
              if (!(await t.wait(d.message, hint))) return t.cancelled();
              continue;
            }
            case 'auth':
            case 'quota':
            case 'model':
            case 'context':
            case 'refused_param':
            case 'fatal': {
              const final = t.finalError(cls, { code, message: d.message, param: d.param ?? undefined });
              if (final) return final;
              resetIfShown(`request adjusted: ${d.message}`);
              continue;
            }
            default: {
              const unreachable: never = cls;
              return t.fail('protocol', `unexpected error class ${String(unreachable)}`);
            }
          }
        }
        case 'failure': {
          const f = outcome.failure;
          if (conn) st.dropConnection();
          if (f.kind === 'auth')
            return t.fail(
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
            const final = t.finalError(byCode, { code: f.code, message: f.message, param: f.param });
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
              t.failures = 0;
              continue;
            }
            return t.fail(f.reason === 'http_status' ? 'request' : 'network', f.message, f.code);
          }
          // "Setup failing": a socket that never delivered a single frame (a socket that served
          // earlier turns and then goes half-open is a reconnect, not a reason to leave WebSocket).
          if (conn && forwarded === 0 && conn.framesReceived === 0 && auto && ++t.wsSetupFailures >= 2) {
            st.fallBack(`WebSocket failed twice before any event: ${f.message}`);
            t.failures = 0;
            continue;
          }
          t.failures++;
          if (t.failures > max)
            return t.fail('network', `gave up after ${t.failures} attempts: ${f.message}`, f.code);
          const hint = t.serverDelay(f.retryAfterMs, f.reason === 'http_status' ? f.message : undefined);
          if (hint === 'too_long') return t.tooLong(f.message, f.code);
          if (!(await t.wait(f.message, hint))) return t.cancelled();
          continue;
        }
        default: {
          const unreachable: never = outcome;
          return t.fail('protocol', `unexpected outcome ${JSON.stringify(unreachable)}`);
        }
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
