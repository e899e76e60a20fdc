/** Run limits, checked before every model call (never mid-stream). Pure. */
import type { TerminalReason } from './events.js';

/** Limits of one run; 0 disables a limit. */
export interface RunLimits {
  /** Maximum model calls per run. */
  maxTurns: number;
  /** Wall-clock budget of a run (ms). */
  timeoutMs: number;
  /** Total token budget of a run (input + output tokens). */
  maxTokens: number;
}

/** What a run has used so far. */
export interface RunUsage {
  turns: number;
  elapsedMs: number;
  totalTokens: number;
}

/** Returns the limit that forbids the next model call, with a one-line message, or null. */
export function checkLimits(
  limits: RunLimits,
  used: RunUsage,
): { reason: TerminalReason; message: string } | null {
  if (limits.maxTurns > 0 && used.turns >= limits.maxTurns) {
    return {
      reason: 'max_turns',
      message: `stopped: reached the limit of ${limits.maxTurns} model calls (--max-turns)`,
    };
  }
  if (limits.timeoutMs > 0 && used.elapsedMs >= limits.timeoutMs) {
    return {
      reason: 'timeout',
      message: `stopped: the run exceeded its ${Math.round(limits.timeoutMs / 1000)} s time limit (--timeout)`,
    };
  }
  if (limits.maxTokens > 0 && used.totalTokens >= limits.maxTokens) {
    return {
      reason: 'max_tokens',
      message: `stopped: used ${used.totalTokens} tokens, at or over the budget of ${limits.maxTokens} (--max-tokens)`,
    };
  }
  return null;
}
