/** Field builders of the JSONL stream (snake_case wire shapes). Pure. */
import type { AgentEvent } from '../agent/events.js';
import type { UsageTotals } from '../protocol/usage.js';
import type { TurnMetrics } from '../session/types.js';
import type { ApprovalSubject, ToolResult } from '../tools/types.js';
import type { JsonlRecord } from './jsonl-events.js';

/** Wire usage object of `turn.completed` / `session.completed`. */
export function usageJson(u: UsageTotals): Record<string, number> {
  return {
    input_tokens: u.inputTokens,
    cached_input_tokens: u.cachedTokens,
    output_tokens: u.outputTokens,
    reasoning_output_tokens: u.reasoningTokens,
    total_tokens: u.totalTokens,
  };
}

/** Wire metrics of `turn.completed`. */
export function metricsJson(m: TurnMetrics): Record<string, unknown> {
  return {
    transport: m.transport,
    attempts: m.attempts,
    time_to_first_event_ms: Math.round(m.timeToFirstEventMs),
    duration_ms: Math.round(m.durationMs),
    bytes_sent: m.bytesSent,
    input_items_sent: m.inputItemsSent,
    incremental: m.incremental,
  };
}

/** JSONL item type of a tool call. */
export type ToolItemType = 'command_execution' | 'file_change' | 'tool_call';

export function toolItemType(subject: ApprovalSubject): ToolItemType {
  switch (subject.kind) {
    case 'command':
      return 'command_execution';
    case 'edit':
      return 'file_change';
    case 'read':
    case 'mcp':
      return 'tool_call';
    default: {
      const unreachable: never = subject.kind;
      return unreachable;
    }
  }
}

/** JSONL status of a finished tool call. */
export function toolStatus(r: ToolResult): string {
  switch (r.status) {
    case 'ok':
      return 'completed';
    case 'error':
      return 'failed';
    case 'timeout':
      return 'timed_out';
    case 'aborted':
      return 'aborted';
    case 'denied':
      return 'declined';
    default: {
      const unreachable: never = r.status;
      return unreachable;
    }
  }
}

/** The `transport` line of a session status event. */
export function transportLine(ev: Extract<AgentEvent, { type: 'transport' }>['event']): JsonlRecord {
  switch (ev.type) {
    case 'connecting':
      return { type: 'transport', event: 'connecting', transport: ev.transport, attempt: ev.attempt };
    case 'connected':
      return {
        type: 'transport',
        event: 'connected',
        transport: ev.transport,
        connection_id: ev.connectionId,
        deflate: ev.deflate,
      };
    case 'warmed':
      return {
        type: 'transport',
        event: 'warmed',
        response_id: ev.responseId,
        full_context: ev.fullContext,
        duration_ms: Math.round(ev.durationMs),
      };
    case 'rotated':
      return {
        type: 'transport',
        event: 'rotated',
        reason: ev.reason,
        socket_age_ms: Math.round(ev.socketAgeMs),
      };
    case 'reconnecting':
      return {
        type: 'transport',
        event: 'reconnecting',
        attempt: ev.attempt,
        max: ev.max,
        reason: ev.reason,
        delay_ms: Math.round(ev.delayMs),
      };
    case 'fallback_http':
      return { type: 'transport', event: 'fallback_http', reason: ev.reason };
    case 'recovered':
      return { type: 'transport', event: 'recovered', transport: ev.transport };
    case 'rechained':
      return { type: 'transport', event: 'rechained', reason: ev.reason };
    case 'failed':
      return {
        type: 'transport',
        event: 'failed',
        kind: ev.kind,
        reason: ev.message,
        ...(ev.status !== undefined ? { status: ev.status } : {}),
      };
    case 'closed':
      return { type: 'transport', event: 'closed' };
    case 'notice':
      // The agent turns notices into `warning` events; a stray one still reads as a warning.
      return { type: 'warning', message: ev.message };
    default: {
      const unreachable: never = ev;
      return unreachable;
    }
  }
}
