/**
 * The tool runtime's public types: what the agent loop hands in (a raw function call), what it
 * gets back before running (a prepared call with an approval subject) and after (a result that
 * always carries a model-facing output).
 */
import type { ToolSpec } from '../protocol/client-events.js';
import type { ExecSessionManager } from './exec/exec-sessions.js';

/** What a tool does to the machine; drives the approval policy. */
export type ToolKind = 'read' | 'edit' | 'execute' | 'mcp';

/** Which tool shapes are offered: Codex's (freeform apply_patch, view_image…) or JSON functions only. */
export type ToolProfile = 'codex' | 'json';

/** One `function_call` or `custom_tool_call` item from the model. */
export interface ToolCallRequest {
  callId: string;
  name: string;
  /** Raw JSON arguments (function call) or the raw freeform input (custom call), as sent. */
  arguments: string;
  /** `custom` for a freeform `custom_tool_call`; default `function`. */
  kind?: 'function' | 'custom';
}

/** What the user is asked to approve (also shown in transcripts). */
export interface ApprovalSubject {
  kind: 'command' | 'edit' | 'read' | 'mcp';
  /** One line, e.g. `shell: npm test` or `edit src/a.ts`. */
  summary: string;
  /** The shell command, for `kind: 'command'`. */
  command?: string;
  /** Absolute paths involved. */
  paths: string[];
  /** Unified diff preview for edits. */
  diff?: string;
  /** For `kind: 'mcp'`: the server and the tool's own name. */
  server?: string;
  tool?: string;
  /** For `kind: 'mcp'`: the call's arguments, pretty-printed JSON. */
  arguments?: string;
}

/** Result of {@link ToolRuntime.prepare}: either a ready call or a model-readable refusal. */
export type PreparedCall =
  | {
      ok: false;
      callId: string;
      name: string;
      /** Model-readable error, e.g. invalid arguments, unknown tool, path outside workspace. */
      output: string;
    }
  | {
      ok: true;
      callId: string;
      name: string;
      kind: ToolKind;
      /** Validated arguments. */
      args: unknown;
      subject: ApprovalSubject;
      /** Absolute paths read or written, for ordering parallel calls. */
      touches: string[];
    };

/** A prepared call that passed validation. */
export type ReadyCall = Extract<PreparedCall, { ok: true }>;

/** Per-run options. */
export interface ToolRunOptions {
  signal: AbortSignal;
  /** Run `shell` inside the sandbox (ignored by file tools). */
  sandboxed: boolean;
  /** Live output chunks (decoded text), for the UI. */
  onOutput?: (chunk: string) => void;
  /** The command as edited by the user in the approval prompt. */
  commandOverride?: string;
  /**
   * The call runs without the user having reviewed it (policy `auto`): files that run code on
   * the user's next action that it creates or changes are undone (policy/autorun-guard.ts).
   */
  unreviewed?: boolean;
}

/** One file touched by an edit tool. */
export interface FileChange {
  /** Absolute path (the source path for moves). */
  path: string;
  kind: 'add' | 'update' | 'delete' | 'move';
  movedTo?: string;
  /** Unified diff. */
  diff: string;
}

/** Outcome of a tool run. `output` is what the model sees (already truncated). */
export interface ToolResult {
  status: 'ok' | 'error' | 'timeout' | 'aborted' | 'denied';
  output: string;
  exitCode?: number;
  /** Wall time of the run (ms). */
  durationMs: number;
  /** File holding the full output when it was truncated. */
  spillPath?: string;
  truncated?: boolean;
  fileChanges?: FileChange[];
  /** Images the model should see with the output (MCP image content), base64. */
  images?: Array<{ mimeType: string; data: string }>;
  /** One line for the user (a `warning`): e.g. files the call wrote that tether undid. */
  notice?: string;
}

/** The tool runtime the agent loop talks to. */
export interface ToolRuntime {
  /** The tool profile in use. */
  readonly profile?: ToolProfile;
  /** Tool specs to send with requests (function tools, and custom tools in the codex profile). */
  specs(): ToolSpec[];
  /** Parses, validates, confines paths and builds the approval subject. No side effects. */
  prepare(req: ToolCallRequest): Promise<PreparedCall>;
  /** Runs a prepared call. Never throws; a cancelled run resolves with status `aborted`. */
  run(call: ReadyCall, opts: ToolRunOptions): Promise<ToolResult>;
  /** Long-running processes of exec_command (listed by `/ps`, ended on /new and at exit). */
  execSessions?: ExecSessionManager;
}
