/** The shapes the transcript is made of: committed entries (printed once) and live tool cards. */
import type { ApprovalSubject, ToolResult } from '../../tools/types.js';

/** A tool call as the UI shows it. */
export interface ToolView {
  callId: string;
  name: string;
  subject: ApprovalSubject;
  status: 'proposed' | 'awaiting' | 'running' | 'done' | 'denied' | 'interrupted';
  sandboxed: boolean;
  /** Clock ms when it started running (for the elapsed time). */
  startedAt: number | null;
  /** The last few complete output lines (sanitised). */
  tail: readonly string[];
  /** The output line still being written. */
  partial: string;
  /** Total output lines seen. */
  lines: number;
  result: ToolResult | null;
  /** Why it was denied, when it was. */
  reason?: string;
}

/** Session header shown once per session (and after /new). */
export interface BannerInfo {
  sessionId: string;
  model: string;
  cwd: string;
  sandbox: string;
  approval: string;
  resumed: boolean;
  instructionFiles: readonly string[];
  simulated: boolean;
}

/** One committed transcript entry. `id` is monotonic (the `<Static>` key). */
export type Entry =
  | { id: number; kind: 'banner'; banner: BannerInfo }
  | { id: number; kind: 'user'; text: string }
  /** A complete markdown block of an assistant answer. */
  | { id: number; kind: 'markdown'; text: string }
  | { id: number; kind: 'reasoning'; text: string }
  | { id: number; kind: 'tool'; tool: ToolView }
  | { id: number; kind: 'notice'; level: 'info' | 'warn' | 'error'; text: string }
  /** A unified diff shown outside a tool card (`/diff`). */
  | { id: number; kind: 'diff'; title: string; diff: string }
  /** The result of a `!cmd` run by the user. */
  | { id: number; kind: 'shell'; command: string; output: string; exitCode: number | null };

/** An entry before it gets its id. */
export type NewEntry = Entry extends infer E ? (E extends { id: number } ? Omit<E, 'id'> : never) : never;

/** Max output lines kept on a live tool card. */
export const TOOL_TAIL_LINES = 5;
/** Max characters of one output line kept (long lines are cut for display). */
export const TOOL_LINE_MAX = 400;
