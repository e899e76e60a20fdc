/** State of one run (a prompt and everything it caused) and the outcome built from it. */
import type { Item, ToolOutputItem } from '../protocol/items.js';
import { isToolOutput } from '../protocol/items.js';
import { type UsageTotals, ZERO_USAGE } from '../protocol/usage.js';
import type { Clock } from '../util/clock.js';
import { redact } from '../util/redact.js';
import type { PermissionDenial, TerminalReason } from './events.js';
import { exitCodeFor, statusFor } from './outcome.js';
import type { RunOutcome } from './types.js';

/** Mutable state of the run in progress. */
export interface ActiveRun {
  abort: AbortController;
  /** Set when the run was stopped by the wall-clock limit (vs. a user cancel). */
  timedOut: boolean;
  /** Exit code of a cancelled run when not the default 130 (143 on SIGTERM). */
  cancelExitCode?: number;
  /** `clock.now()` at the start (ms). */
  startedAt: number;
  /** Model calls so far. */
  turns: number;
  usage: UsageTotals;
  /** Last non-empty assistant text. */
  answer: string;
  denials: PermissionDenial[];
}

/** A fresh run starting now. */
export function newRun(clock: Clock): ActiveRun {
  return {
    abort: new AbortController(),
    timedOut: false,
    startedAt: clock.now(),
    turns: 0,
    usage: { ...ZERO_USAGE },
    answer: '',
    denials: [],
  };
}

/** The outcome of `run` ending for `reason` (error text redacted). */
export function buildOutcome(
  run: ActiveRun,
  reason: TerminalReason,
  clock: Clock,
  error?: string,
): RunOutcome {
  return {
    status: statusFor(reason),
    terminalReason: reason,
    result: run.answer,
    numTurns: run.turns,
    usage: { ...run.usage },
    durationMs: Math.max(0, Math.round(clock.now() - run.startedAt)),
    exitCode:
      reason === 'cancelled' && run.cancelExitCode !== undefined ? run.cancelExitCode : exitCodeFor(reason),
    permissionDenials: [...run.denials],
    ...(error ? { error: redact(error) } : {}),
  };
}

/**
 * Tool outputs of `input` that the session did not commit to its transcript (a failed or
 * cancelled call): they must still be sent later, since every call gets exactly one output.
 */
export function unsentOutputs(input: readonly Item[], transcript: readonly Item[]): ToolOutputItem[] {
  const committed = new Set<string>();
  for (const item of transcript) if (isToolOutput(item)) committed.add(item.call_id);
  return input.filter(isToolOutput).filter((o) => !committed.has(o.call_id));
}

/** Plain text of a message item (user messages in events). */
export function messageTextOf(item: Item): string {
  const content = (item as { content?: unknown }).content;
  if (!Array.isArray(content)) return '';
  return content.map((p: { text?: unknown }) => (typeof p.text === 'string' ? p.text : '')).join('');
}
