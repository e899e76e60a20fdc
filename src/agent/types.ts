/** Options and results of the agent loop (src/agent/loop.ts). */

import type { SessionController, TransportKind } from '../session/types.js';
import type { ToolRuntime } from '../tools/types.js';
import type { Clock } from '../util/clock.js';
import type { AgentPersistence, ApprovalMode, LedgerEntry, RunSummary } from './events.js';
import type { RunLimits } from './limits.js';
import type { PolicyPort } from './tool-exec.js';

/** Whether shell commands run sandboxed: `bubblewrap`, `off` (asked for), `unavailable` (no tier here). */
export type SandboxMode = 'bubblewrap' | 'off' | 'unavailable';

/** Static facts about the session, reported in `session_started`. */
export interface AgentInfo {
  sessionId: string;
  model: string;
  cwd: string;
  transport: TransportKind | 'auto';
  /** One line describing the sandbox tier. */
  sandbox: string;
  /** The sandbox as an enum (JSONL `session.started.sandbox`); `sandbox` is the human detail. */
  sandboxMode?: SandboxMode;
  version: string;
  /** Instruction files loaded into the prompt (absolute paths). */
  instructionFiles: string[];
}

/** Everything the loop needs, injected (no UI, no globals). */
export interface AgentOptions {
  session: SessionController;
  tools: ToolRuntime;
  policy: PolicyPort;
  /** False for --prompt runs: approvals that need a human are denied, never awaited. */
  interactive: boolean;
  approval: ApprovalMode;
  limits: RunLimits;
  info: AgentInfo;
  persistence?: AgentPersistence;
  clock?: Clock;
  /** Ledger of a resumed session (the transcript is already in the session controller). */
  ledger?: LedgerEntry[];
  resumed?: boolean;
  /** Shown as `warning` events right after `session_started` (e.g. truncated instructions). */
  warnings?: string[];
  /** Model-dependent request fields (`reasoning`, `include`) applied by `setModel`. */
  fieldsForModel?: (model: string) => Partial<import('../protocol/client-events.js').RequestFields>;
  /**
   * For `/new`: a fresh session id and persistence (without it the id is kept); for `/resume`,
   * the persistence that appends to the saved session `sessionId`.
   */
  newSession?: (sessionId?: string) => Promise<{ sessionId: string; persistence?: AgentPersistence }>;
}

/** The outcome of one run (one prompt and everything it caused); the fields of `run_finished`. */
export interface RunOutcome extends RunSummary {
  /** Error message when the run did not succeed. */
  error?: string;
}
