/**
 * Per-turn bookkeeping shared by the recovery loop in `turn.ts`: metrics, retry counters, the
 * final-error mapping (a refused default field is dropped and the turn re-sent), the server's
 * requested delay and the backoff wait. Also the small helpers around a turn (re-probe, failure
 * classification of a refused upgrade).
 */
import { classifyError, type ErrorClass, retryHintFromMessage } from '../protocol/errors.js';
import { ZERO_USAGE } from '../protocol/usage.js';
import { backoffDelayMs, RETRY_AFTER_CAP_MS } from '../transport/backoff.js';
import { TransportError, type TransportFailure } from '../transport/types.js';
import type { SessionState } from './state.js';
import type { TurnErrorKind, TurnMetrics, TurnOptions, TurnResult, TurnStreamEvent } from './types.js';

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

/** The mutable state of one turn and the decisions that only depend on it. */
export class TurnContext {
  metrics: TurnMetrics;
  readonly started: number;
  readonly max: number;
  failures = 0;
  wsSetupFailures = 0;
  rechained = false;
  limitResets = 0;
  private dropped = 0;

  constructor(
    private readonly st: SessionState,
    private readonly opts: TurnOptions,
  ) {
    this.metrics = emptyTurnMetrics(st.mode);
    this.started = st.clock.now();
    this.max = st.settings.maxRetries;
  }

  /** Forwards a stream event; a listener bug never breaks the turn. */
  emit(e: TurnStreamEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {
      // a listener bug must not break the turn
    }
  }

  finish(r: Omit<TurnResult, 'metrics' | 'usage' | 'output'> & Partial<TurnResult>): TurnResult {
    return {
      output: [],
      usage: { ...ZERO_USAGE },
      ...r,
      metrics: { ...this.metrics, durationMs: this.st.clock.now() - this.started },
    };
  }

  fail(kind: TurnErrorKind, message: string, code?: string, status?: number): TurnResult {
    return this.finish({
      status: 'failed',
      error: { kind, message, ...(code ? { code } : {}), ...(status !== undefined ? { status } : {}) },
    });
  }

  cancelled(): TurnResult {
    return this.finish({ status: 'cancelled' });
  }

  /**
   * A final (never retried) error class → the failed turn. `refused_param` asks the session's
   * hook first: a dropped default field resends the same turn at once (returns null).
   */
  finalError(
    cls: ErrorClass,
    d: { code?: string | undefined; message: string; param?: string | undefined },
  ): TurnResult | null {
    const code = d.code;
    switch (cls) {
      case 'quota':
        return this.fail('quota', d.message, code);
      case 'model':
        return this.fail('model', d.message, code);
      case 'context':
        return this.fail('context', d.message, code);
      case 'auth':
        return this.fail('auth', d.message, code);
      case 'refused_param': {
        if (d.param && code && this.dropped < MAX_DROPPED_FIELDS) {
          const decision = this.st.refusal({ param: d.param, code, message: d.message });
          if (decision.action === 'drop') {
            this.dropped++;
            return null;
          }
          if (decision.action === 'fail') return this.fail('refused', decision.message, code);
        }
        return this.fail('request', d.message, code);
      }
      default:
        return this.fail('request', d.message, code);
    }
  }

  /**
   * The server's requested delay (headers first, then "try again in 1.2s" in the message), or
   * `'too_long'` when it asks for more than we ever wait (the turn then fails at once).
   */
  serverDelay(headerMs: number | undefined, message: string | undefined): number | undefined | 'too_long' {
    const ms = headerMs ?? retryHintFromMessage(message);
    if (ms === undefined) return undefined;
    return ms > RETRY_AFTER_CAP_MS ? 'too_long' : ms;
  }

  tooLong(message: string, code?: string): TurnResult {
    return this.fail(
      'server',
      `the service asks to wait longer than ${RETRY_AFTER_CAP_MS / 1000} s before retrying; try again later (${message})`,
      code,
    );
  }

  /** Backoff before the next attempt; false when cancelled. */
  async wait(reason: string, retryAfterMs?: number): Promise<boolean> {
    const st = this.st;
    const delayMs =
      retryAfterMs ??
      backoffDelayMs(
        this.failures,
        { baseMs: st.settings.backoffBaseMs, maxMs: st.settings.backoffMaxMs },
        st.random,
      );
    st.reconnects++;
    st.emit({ type: 'reconnecting', attempt: this.failures, max: this.max, reason, delayMs });
    try {
      await st.clock.sleep(delayMs, this.opts.signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** After `fallbackReprobeTurns` HTTP turns, tries the WebSocket again (one probe, no retries). */
export async function reprobe(st: SessionState, signal?: AbortSignal): Promise<void> {
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
export function authMessage(f: TransportFailure): string {
  return `authentication failed: ${f.message}`;
}

export function failureOf(err: unknown): TransportFailure {
  if (err instanceof TransportError) return err.failure;
  return {
    kind: 'retryable',
    reason: 'connect_failed',
    message: err instanceof Error ? err.message : String(err),
  };
}

/**
 * A refused upgrade whose error body names an error that no retry or fallback can fix: no quota
 * or a plan without API usage (exit 3), an unknown model, or refused credentials by code.
 */
export function finalUpgradeError(f: TransportFailure): { kind: TurnErrorKind; message: string } | null {
  if (f.reason !== 'upgrade_refused' || !f.code) return null;
  switch (classifyError(f.code, f.status)) {
    case 'quota':
      return { kind: 'quota', message: f.message };
    case 'model':
      return { kind: 'model', message: f.message };
    case 'auth':
      return { kind: 'auth', message: authMessage(f) };
    default:
      return null;
  }
}
