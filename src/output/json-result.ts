/** The single JSON object of `--output json`, written once at the end of a run. */
import type { RunOutcome } from '../agent/types.js';
import { redact } from '../util/redact.js';
import { usageJson } from './jsonl-events.js';

/** The `--output json` object (snake_case, stable). */
export function jsonResult(outcome: RunOutcome, sessionId: string): Record<string, unknown> {
  return {
    type: 'result',
    status: outcome.status,
    terminal_reason: outcome.terminalReason,
    result: outcome.result,
    usage: usageJson(outcome.usage),
    num_turns: outcome.numTurns,
    duration_ms: outcome.durationMs,
    session_id: sessionId,
    exit_code: outcome.exitCode,
    permission_denials: outcome.permissionDenials.map((d) => ({
      call_id: d.callId,
      tool: d.tool,
      summary: d.summary,
      reason: d.reason,
    })),
    ...(outcome.error ? { error: outcome.error } : {}),
  };
}

/** The object serialised and redacted, with a trailing newline. */
export function formatJsonResult(outcome: RunOutcome, sessionId: string): string {
  return `${redact(JSON.stringify(jsonResult(outcome, sessionId)))}\n`;
}
