/** Status-bar state: model, approval mode, connection, usage and latency. Pure reducer. */
import type { AgentEvent, ApprovalMode } from '../../agent/events.js';
import { type UsageTotals, ZERO_USAGE } from '../../protocol/usage.js';
import type { TransportKind } from '../../session/types.js';

/** Connection as the status bar shows it. */
export interface ConnectionView {
  transport: TransportKind | 'auto';
  state: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';
  /** Why the last connection attempt failed for good (state `failed`). */
  failure?: { kind: 'auth' | 'network'; status?: number };
  attempt: number;
  max: number;
  /** Clock ms when the current socket connected (socket age = now − this). */
  connectedAt: number | null;
  rotations: number;
  reconnects: number;
  connections: number;
  fellBack: boolean;
  lastReason: string;
}

/** Status state. */
export interface StatusState {
  sessionId: string;
  model: string;
  approval: ApprovalMode;
  cwd: string;
  conn: ConnectionView;
  usage: UsageTotals;
  /** Tokens of the last call's context (input + output), for "context used %". */
  contextTokens: number;
  /** Context window (tokens). */
  contextWindow: number;
  lastLatencyMs: number | null;
  lastFirstEventMs: number | null;
  /** Whether the last request was chained (previous_response_id + new items) or a full create. */
  lastIncremental: boolean | null;
  running: boolean;
  /** Clock ms when the current user turn started (for the "working" timer). */
  busySince: number | null;
  retry: { attempt: number; max: number; reason: string } | null;
  turns: number;
  /** Background processes (exec_command sessions) running. */
  processes: number;
}

/** Initial status. */
export function initialStatus(init: {
  model: string;
  approval: ApprovalMode;
  contextWindow: number;
  sessionId?: string;
  cwd?: string;
}): StatusState {
  return {
    sessionId: init.sessionId ?? '',
    model: init.model,
    approval: init.approval,
    cwd: init.cwd ?? '',
    conn: {
      transport: 'auto',
      state: 'idle',
      attempt: 0,
      max: 0,
      connectedAt: null,
      rotations: 0,
      reconnects: 0,
      connections: 0,
      fellBack: false,
      lastReason: '',
    },
    usage: { ...ZERO_USAGE },
    contextTokens: 0,
    contextWindow: init.contextWindow,
    lastLatencyMs: null,
    lastFirstEventMs: null,
    lastIncremental: null,
    running: false,
    busySince: null,
    retry: null,
    turns: 0,
    processes: 0,
  };
}

/** Applies one agent event. */
export function statusReducer(s: StatusState, e: AgentEvent, now: number): StatusState {
  switch (e.type) {
    case 'session_started': {
      // A different session on the same screen (/new, a switch): its counters start at zero.
      const fresh = s.sessionId !== '' && s.sessionId !== e.sessionId;
      const counters = fresh
        ? {
            usage: { ...ZERO_USAGE },
            contextTokens: 0,
            lastLatencyMs: null,
            lastFirstEventMs: null,
            lastIncremental: null,
            retry: null,
            turns: 0,
          }
        : {};
      return {
        ...s,
        ...counters,
        sessionId: e.sessionId,
        model: e.model,
        approval: e.approval,
        cwd: e.cwd,
        // The event carries the configured transport ('auto'); once a connection is known, the
        // bar keeps showing the one really in use.
        conn: {
          ...s.conn,
          transport: e.transport === 'auto' && s.conn.state !== 'idle' ? s.conn.transport : e.transport,
        },
      };
    }
    case 'user_message':
      return { ...s, running: true, busySince: s.busySince ?? now };
    case 'turn_started':
      return { ...s, running: true, busySince: s.busySince ?? now, retry: null };
    case 'turn_retrying':
      return { ...s, retry: { attempt: e.attempt, max: e.max, reason: e.reason } };
    // The retried attempt is answering: the working line stops saying "retrying".
    case 'assistant_delta':
    case 'reasoning_delta':
    case 'tool_started':
      return s.retry ? { ...s, retry: null } : s;
    case 'usage':
      return {
        ...s,
        usage: e.total,
        // A call cut short (Esc) may report no input: the context did not shrink.
        contextTokens: e.usage.inputTokens > 0 ? e.usage.inputTokens + e.usage.outputTokens : s.contextTokens,
        lastLatencyMs: e.metrics.durationMs,
        lastFirstEventMs: e.metrics.timeToFirstEventMs,
        lastIncremental: e.metrics.incremental,
        conn: { ...s.conn, transport: e.metrics.transport },
      };
    case 'turn_finished': {
      // A turn that failed while (re)connecting ends the attempts: the bar must not stay on
      // "reconnecting 5/5" (the session's own 'failed' event, when it comes, says more).
      const stuck =
        e.status === 'failed' && (s.conn.state === 'reconnecting' || s.conn.state === 'connecting');
      return {
        ...s,
        retry: null,
        turns: s.turns + 1,
        ...(stuck
          ? {
              conn: {
                ...s.conn,
                state: 'failed' as const,
                connectedAt: null,
                lastReason: e.error ?? s.conn.lastReason,
              },
            }
          : {}),
      };
    }
    case 'run_finished':
      return { ...s, running: false, busySince: null, retry: null };
    case 'compaction':
      return { ...s, contextTokens: e.tokensAfter };
    case 'transport': {
      const ev = e.event;
      const c = s.conn;
      switch (ev.type) {
        case 'connecting':
          return {
            ...s,
            conn: {
              ...c,
              transport: ev.transport,
              state: c.state === 'reconnecting' ? 'reconnecting' : 'connecting',
              attempt: ev.attempt,
            },
          };
        case 'connected':
          return {
            ...s,
            conn: {
              ...c,
              transport: ev.transport,
              state: 'connected',
              connectedAt: now,
              connections: c.connections + 1,
              attempt: 0,
            },
          };
        case 'warmed':
        case 'rechained':
        case 'notice':
          return s;
        case 'rotated':
          return { ...s, conn: { ...c, rotations: c.rotations + 1, lastReason: ev.reason } };
        case 'reconnecting':
          return {
            ...s,
            conn: {
              ...c,
              state: 'reconnecting',
              attempt: ev.attempt,
              max: ev.max,
              reconnects: c.reconnects + 1,
              lastReason: ev.reason,
            },
          };
        case 'fallback_http':
          return {
            ...s,
            conn: {
              ...c,
              transport: 'http',
              fellBack: true,
              state: 'connected',
              connectedAt: now,
              lastReason: ev.reason,
            },
          };
        case 'recovered':
          return {
            ...s,
            conn: {
              ...c,
              transport: ev.transport,
              state: 'connected',
              connectedAt: c.state === 'connected' ? c.connectedAt : now,
            },
          };
        case 'failed':
          return {
            ...s,
            conn: {
              ...c,
              state: 'failed',
              connectedAt: null,
              failure: ev.status !== undefined ? { kind: ev.kind, status: ev.status } : { kind: ev.kind },
              lastReason: ev.message,
            },
          };
        case 'closed':
          return { ...s, conn: { ...c, state: 'closed', connectedAt: null } };
        default: {
          const unreachable: never = ev;
          return unreachable;
        }
      }
    }
    default:
      return s;
  }
}
