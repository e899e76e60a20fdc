/**
 * The UI's I/O port. React code never does I/O; the UI controller calls these, and tests inject
 * fakes. The Node implementation is `createNodeServices` (node-services.ts).
 */

import type { ResumeTarget } from '../../agent/events.js';
import type { Item } from '../../protocol/items.js';
import type { AttachResult } from '../../util/attachments.js';
import type { PickItem } from '../state/picker.js';

/** Result of a `!cmd` shell command the user ran directly. */
export interface ShellRun {
  /** Combined stdout+stderr (tail-capped). */
  output: string;
  /** Exit code, or null when killed by a signal. */
  exitCode: number | null;
}

/** Side effects the UI needs. */
export interface UiServices {
  /** Runs a user-typed `!command` in the workspace (bash -lc), killed with its group on abort. */
  runShell(command: string, signal: AbortSignal): Promise<ShellRun>;
  /** `git diff` of the workspace (never runs repo hooks or fsmonitor). */
  gitDiff(): Promise<string>;
  /** Copies text to the system clipboard through the terminal (OSC 52). */
  copy(text: string): void;
  /** Workspace-relative file paths for `@` completion (git-tracked + untracked, not ignored). */
  listFiles(): Promise<string[]>;
  /**
   * Loads the images a prompt refers to (`@shot.png`, a pasted image path): the text to send,
   * the images, and one line per image that could not be attached. Optional (fakes omit it).
   */
  attachImages?(text: string): AttachResult;
  /** Prompt history of this project, oldest first. */
  loadHistory(): Promise<string[]>;
  /** Appends one prompt to this project's history file. */
  appendHistory(entry: string): void;
  /** Draws the user's attention (terminal bell) when the agent waits for them. */
  bell(): void;
  /** Kills anything still running (called on exit). */
  dispose(): void;
  /** The MCP servers of this session, with their state and tools (`/mcp`). */
  mcpStatus(): McpServerView[];
  /** Background processes the model started with exec_command (`/ps`, status-bar count). */
  processes(): ProcessView[];
  /** Ends one background process with its tree; false when no such process runs. */
  endProcess(id: number): boolean;
  /** Calls `listener` whenever the set of background processes changes; returns unsubscribe. */
  watchProcesses(listener: () => void): () => void;
  /** This project's "always allow" rules, as the user reads them (`/status`). */
  allowRules(): string[];
  /** Saved sessions of this directory, newest first (`/resume`). Optional. */
  listSessions?(): PickItem[];
  /** Loads saved session `id` to switch to (`/resume`); throws a one-line error. Optional. */
  loadSession?(id: string): SavedSession;
  /** This project's trust and where it came from, e.g. `trusted (the --trust flag)` (`/status`). */
  projectTrust(): string;
}

/** A saved session loaded for an in-session `/resume`. */
export interface SavedSession extends ResumeTarget {
  /** Every item ever recorded (what the screen shows of the earlier conversation). */
  allItems: Item[];
}

/** One background process as `/ps` shows it. */
export interface ProcessView {
  id: number;
  command: string;
  pid: number;
  tty: boolean;
  /** Wall-clock ms when it started. */
  startedAt: number;
}

/** One MCP server as `/mcp` shows it. */
export interface McpServerView {
  name: string;
  transport: string;
  target: string;
  state: string;
  error?: string;
  tools: string[];
}

/** Services that do nothing (tests, benchmarks). */
export function nullServices(over: Partial<UiServices> = {}): UiServices {
  return {
    runShell: async () => ({ output: '', exitCode: 0 }),
    gitDiff: async () => '',
    copy: () => {},
    listFiles: async () => [],
    loadHistory: async () => [],
    appendHistory: () => {},
    bell: () => {},
    dispose: () => {},
    mcpStatus: () => [],
    processes: () => [],
    endProcess: () => false,
    watchProcesses: () => () => undefined,
    allowRules: () => [],
    projectTrust: () => 'unknown',
    ...over,
  };
}
