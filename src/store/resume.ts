/**
 * Resume glue: turns `--resume [id]` / `--continue` into a session id, and a session file into
 * what the agent needs to rebuild the full context on a fresh socket.
 *
 * Interrupted tool calls (ledger still `running`) are surfaced, not repaired here: the agent
 * answers them with a synthetic output (`danglingCallOutputs` in src/agent/ledger.ts) and never
 * runs them again. A `SessionWriter` created with the same id keeps appending to the same file.
 */
import type { LedgerEntry } from '../agent/events.js';
import type { Item } from '../protocol/items.js';
import { sessionsDir } from '../util/paths.js';
import { findLatestSession, resolveSession } from './list.js';
import type { SessionMetaRecord } from './records.js';
import { type LoadStats, loadSessionFile } from './session-loader.js';
import { sessionLogPath } from './session-paths.js';

/** Everything the agent needs to continue a saved session (see `createAgentRuntime({resume})`). */
export interface ResumeData {
  sessionId: string;
  /** The context to send in the full-context warm-up (restarted at the latest compaction). */
  items: Item[];
  /** Latest ledger state per call; entries still `running` were interrupted. */
  ledger: LedgerEntry[];
  meta: SessionMetaRecord;
  /** Calls that were running when the previous process died (subset of `ledger`). */
  interrupted: LedgerEntry[];
  /** Every item ever recorded (for showing the old transcript). */
  allItems: Item[];
  title: string;
  turns: number;
  lastAnswer: string | undefined;
  /** Lines skipped while loading (garbled, torn tail): worth a warning when non-zero. */
  stats: LoadStats;
}

/** Loads session `id` (an exact id; see `resolveSession`) for resuming. Exit 2 when missing. */
export function loadForResume(id: string, dir: string = sessionsDir()): ResumeData {
  const loaded = loadSessionFile(sessionLogPath(id, dir));
  return {
    sessionId: id,
    items: loaded.items,
    ledger: loaded.ledger,
    meta: loaded.meta,
    interrupted: loaded.interrupted,
    allItems: loaded.allItems,
    title: loaded.title,
    turns: loaded.turns,
    lastAnswer: loaded.lastAnswer,
    stats: loaded.stats,
  };
}

/** What the command line asked to resume (`CliContext.resume` / `continueLast`). */
export interface ResumeRequest {
  resume: string | true | undefined;
  continueLast: boolean;
  cwd: string;
  /** Whether a picker can be shown (TUI); otherwise a bare `--resume` means the latest here. */
  interactive: boolean;
}

/**
 * The session id to resume: `undefined` for a fresh session, `'pick'` when the TUI should show
 * its picker (bare `--resume` in interactive mode). Throws a one-line exit-2 error when the id
 * is unknown/ambiguous or there is nothing to continue.
 */
export function resumeTarget(req: ResumeRequest, dir: string = sessionsDir()): string | 'pick' | undefined {
  if (typeof req.resume === 'string') return resolveSession(req.resume, dir);
  if (req.resume === true) return req.interactive ? 'pick' : findLatestSession(req.cwd, dir);
  if (req.continueLast) return findLatestSession(req.cwd, dir);
  return undefined;
}
