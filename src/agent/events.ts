/**
 * The AgentEvent union: the one stream the TUI, the text printer, the JSONL writer and the
 * session store all consume. The agent loop emits these; nothing downstream sees server events.
 */
import type { UsageTotals } from '../protocol/usage.js';
import type { SessionStatusEvent, TransportKind, TurnMetrics } from '../session/types.js';
import type { ApprovalSubject, ToolResult } from '../tools/types.js';

export type ApprovalMode = 'suggest' | 'auto-edit' | 'full-auto';

/** How a run ended (`terminal_reason` in JSON/JSONL). */
export type TerminalReason =
  | 'completed'
  | 'max_turns'
  | 'timeout'
  | 'max_tokens'
  | 'cancelled'
  | 'auth_refused'
  /** The account has no quota left, or its plan does not include API use (exit 3). */
  | 'quota_exceeded'
  /** The model does not exist or this key cannot use it (exit 2). */
  | 'model_not_found'
  /** The service refused a request setting the user chose explicitly (exit 2). */
  | 'invalid_request'
  | 'network_unreachable'
  | 'model_error'
  | 'incomplete'
  | 'error';

export type ApprovalDecision =
  | { kind: 'approve' }
  | { kind: 'deny'; reason?: string }
  /** Approve and persist an allow rule for this command prefix. */
  | { kind: 'always' }
  /** Approve a user-edited command instead of the proposed one. */
  | { kind: 'edit'; command: string };

export interface PermissionDenial {
  callId: string;
  tool: string;
  summary: string;
  reason: string;
}

export type AgentEvent =
  | {
      type: 'session_started';
      sessionId: string;
      model: string;
      cwd: string;
      transport: TransportKind | 'auto';
      approval: ApprovalMode;
      sandbox: string;
      /** The sandbox as an enum; `sandbox` is the one-line detail. */
      sandboxMode?: 'bubblewrap' | 'off' | 'unavailable';
      tools: string[];
      version: string;
      resumed: boolean;
      instructionFiles: string[];
    }
  | { type: 'user_message'; turnId: string; text: string }
  /** One model call begins (a user prompt may take many). */
  | { type: 'turn_started'; turnId: string; index: number }
  | { type: 'assistant_delta'; turnId: string; itemId: string; text: string }
  /** The authoritative text of an assistant message: replaces the accumulated deltas. */
  | { type: 'assistant_item_done'; turnId: string; itemId: string; text: string; citations?: Citation[] }
  /** A hosted web search the service ran (`web_search_call`): started, searching, done. */
  | {
      type: 'web_search';
      turnId: string;
      itemId: string;
      status: 'in_progress' | 'searching' | 'completed' | 'failed';
      query?: string;
    }
  | { type: 'reasoning_delta'; turnId: string; itemId: string; text: string }
  | { type: 'reasoning_done'; turnId: string; itemId: string; text: string }
  /** The attempt failed mid-stream: consumers discard partial output of this turn; it is retried. */
  | { type: 'turn_retrying'; turnId: string; attempt: number; max: number; reason: string }
  | {
      type: 'tool_proposed';
      turnId: string;
      callId: string;
      name: string;
      args: unknown;
      subject: ApprovalSubject;
    }
  | {
      type: 'approval_requested';
      turnId: string;
      callId: string;
      name: string;
      subject: ApprovalSubject;
      /** The "always allow" rule offered (absent: approving with `always` is not offered). */
      allowRule?: string;
    }
  | {
      type: 'approval_resolved';
      turnId: string;
      callId: string;
      decision: ApprovalDecision['kind'];
      by: 'user' | 'policy' | 'non_interactive' | 'rule';
      reason?: string;
    }
  | {
      type: 'tool_started';
      turnId: string;
      callId: string;
      name: string;
      subject: ApprovalSubject;
      sandboxed: boolean;
    }
  | { type: 'tool_output'; turnId: string; callId: string; chunk: string }
  | { type: 'tool_finished'; turnId: string; callId: string; name: string; result: ToolResult }
  | { type: 'transport'; event: SessionStatusEvent }
  | { type: 'usage'; turnId: string; usage: UsageTotals; total: UsageTotals; metrics: TurnMetrics }
  | {
      type: 'turn_finished';
      turnId: string;
      status: 'completed' | 'incomplete' | 'failed' | 'cancelled';
      error?: string;
    }
  | { type: 'compaction'; tokensBefore: number; tokensAfter: number; auto: boolean }
  | { type: 'warning'; message: string }
  /** Background processes (exec_command sessions) tether ended: end of a --prompt run, /new. */
  | { type: 'processes_ended'; processes: Array<{ id: number; command: string; reason: string }> }
  | { type: 'error'; message: string; code?: string }
  | ({ type: 'run_finished' } & RunSummary);

/** A URL citation of an assistant message (`url_citation` annotation), de-duplicated by URL. */
export interface Citation {
  url: string;
  title?: string;
}

/** How a run (one prompt and everything it caused) ended: `run_finished` and the run's outcome. */
export interface RunSummary {
  status: 'success' | 'failed' | 'cancelled';
  terminalReason: TerminalReason;
  /** The final answer (last assistant text of the run). */
  result: string;
  /** Model calls in this run. */
  numTurns: number;
  usage: UsageTotals;
  durationMs: number;
  exitCode: number;
  permissionDenials: PermissionDenial[];
}

/** A snapshot of agent state for UIs (read through useSyncExternalStore). */
export interface AgentSnapshot {
  sessionId: string;
  model: string;
  approval: ApprovalMode;
  running: boolean;
  queued: string[];
  pendingApprovals: string[];
  usage: UsageTotals;
  turns: number;
}

/** An image attached to a user message (`-i/--image`, the composer): sent as `input_image`. */
export interface UserImage {
  /** Path as the user gave it (for display). */
  path: string;
  mime: string;
  bytes: number;
  sha256: string;
  /** `data:<mime>;base64,…` */
  dataUrl: string;
}

/** The seam between the core and any UI (STYLE.md §2.3). */
export interface AgentController {
  /** Opens and warms the session (socket + `generate:false`) ahead of the first submit; optional. */
  start?(): Promise<void>;
  /** Submits user input (with attached images); queued when a turn is running. */
  submit(input: { text: string; images?: UserImage[] }): void;
  /**
   * Takes back input queued while a run worked; a failed or cancelled run never sends it on its
   * own (the UI puts it back in the composer). Optional.
   */
  withdrawQueued?(): Array<{ text: string; images?: UserImage[] }>;
  /** Aborts the current turn: kills running tools, keeps what was committed. */
  cancel(): void;
  resolveApproval(callId: string, decision: ApprovalDecision): void;
  subscribe(listener: (e: AgentEvent) => void): () => void;
  getSnapshot(): AgentSnapshot;
  setModel(model: string): void;
  setApprovalMode(mode: ApprovalMode): void;
  /** Compacts the context now (`/compact`). */
  compact(): Promise<void>;
  /** Starts a fresh session on the same process and socket (`/new`). */
  newSession(): Promise<void>;
  /**
   * Switches to a saved session (`/resume` inside a running session): its context is sent in
   * full on the next request (a new chain), usage counters start at zero, the current session's
   * background processes end. Rejects while a run is in progress. Optional.
   */
  resumeSession?(target: ResumeTarget): Promise<void>;
  close(): Promise<void>;
}

/** A saved session to switch to (see {@link AgentController.resumeSession}). */
export interface ResumeTarget {
  sessionId: string;
  /** The context window to send (from the latest compaction on). */
  items: import('../protocol/items.js').Item[];
  ledger: LedgerEntry[];
}

/** State of one tool call in the side-effect ledger (a call never runs twice). */
export interface LedgerEntry {
  callId: string;
  name: string;
  state: 'running' | 'done' | 'aborted' | 'denied' | 'failed';
  /** The function_call_output sent to the model, once known. */
  output?: string;
}

/**
 * Where the agent persists a session (implemented by src/store). Called synchronously in order;
 * `flush` is called once per model call: records reach the kernel at once (a crash loses at most
 * the turn in flight); the returned promise settles when they are on disk.
 */
export interface AgentPersistence {
  /** Items appended to the conversation: inputs before a model call, outputs after it completed. */
  onItems(items: import('../protocol/items.js').Item[], direction: 'input' | 'output'): void;
  /** Written before a tool runs (state `running`) and again when it finished. */
  onLedger(entry: LedgerEntry): void;
  onEvent(event: AgentEvent): void;
  flush(): Promise<void>;
}
