/**
 * Which agent events become session records. Streaming deltas, tool output chunks and approval
 * chatter are not persisted: the items and ledger already carry their authoritative results.
 */
import type { AgentEvent } from '../agent/events.js';
import type { BodyRecord } from './records.js';

/** The record for `event` at time `ts` (ISO), or undefined when the event is not persisted. */
export function eventRecord(event: AgentEvent, ts: string): BodyRecord | undefined {
  switch (event.type) {
    case 'user_message':
      return { type: 'prompt', ts, turn_id: event.turnId, text: event.text };
    case 'usage':
      return {
        type: 'usage',
        ts,
        turn_id: event.turnId,
        usage: event.usage,
        total: event.total,
        metrics: event.metrics,
      };
    case 'transport':
      return { type: 'transport', ts, event: event.event };
    case 'compaction':
      return {
        type: 'compaction',
        ts,
        tokens_before: event.tokensBefore,
        tokens_after: event.tokensAfter,
        auto: event.auto,
      };
    case 'turn_finished':
      return {
        type: 'turn_end',
        ts,
        turn_id: event.turnId,
        status: event.status,
        ...(event.error !== undefined ? { error: event.error } : {}),
      };
    case 'run_finished':
      return {
        type: 'run_end',
        ts,
        status: event.status,
        terminal_reason: event.terminalReason,
        result: event.result,
        num_turns: event.numTurns,
        duration_ms: event.durationMs,
        exit_code: event.exitCode,
        usage: event.usage,
      };
    case 'warning':
      return { type: 'note', ts, level: 'warning', message: event.message };
    case 'processes_ended':
      return {
        type: 'note',
        ts,
        level: 'warning',
        message: `ended background processes: ${event.processes.map((p) => `${p.id} (${p.command.split('\n')[0]})`).join(', ')}`,
      };
    case 'error':
      return {
        type: 'note',
        ts,
        level: 'error',
        message: event.message,
        ...(event.code !== undefined ? { code: event.code } : {}),
      };
    case 'session_started':
    case 'turn_started':
    case 'assistant_delta':
    case 'assistant_item_done':
    case 'web_search':
    case 'reasoning_delta':
    case 'reasoning_done':
    case 'turn_retrying':
    case 'tool_proposed':
    case 'approval_requested':
    case 'approval_resolved':
    case 'tool_started':
    case 'tool_output':
    case 'tool_finished':
      return undefined;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
