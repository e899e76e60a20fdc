/** Shapes shared by the MCP manager, its tool runtime and the CLI, plus small pure helpers. */
import type { McpServerConfig } from './config.js';

export type McpServerState = 'disabled' | 'starting' | 'ready' | 'failed' | 'exited' | 'stopped';

/** One tool a server offers, as the model sees it. */
export interface McpToolInfo {
  /** `mcp__<server>__<tool>`. */
  qualifiedName: string;
  server: string;
  tool: string;
  description: string;
  inputSchema: Record<string, unknown>;
  /** Server-provided hints (`readOnlyHint`, `destructiveHint`…): shown, never trusted. */
  annotations?: Record<string, unknown>;
}

export interface McpServerStatus {
  name: string;
  transport: 'stdio' | 'http';
  /** `command args…` or the URL. */
  target: string;
  state: McpServerState;
  tools: McpToolInfo[];
  error?: string;
  restarts: number;
  startupMs?: number;
}

export interface McpManagerEvent {
  type: 'state' | 'warning' | 'tools_changed';
  server: string;
  message?: string;
}

export interface McpManagerOptions {
  servers: McpServerConfig[];
  cwd: string;
  /** Base environment for stdio servers (sanitized; the config's `env` is added on top). */
  env?: NodeJS.ProcessEnv;
  startupTimeoutMs: number;
  /** Per-call time limit (ms); progress notifications reset it. */
  callTimeoutMs: number;
  clientVersion: string;
  onEvent?: (e: McpManagerEvent) => void;
  /** Backoff before a restart after the server died: base × 2^n, capped. */
  restartBackoffMs?: number;
}

export interface ClientLike {
  listTools(params?: { cursor?: string }, opts?: unknown): Promise<{ tools: unknown[]; nextCursor?: string }>;
  callTool(
    params: { name: string; arguments?: Record<string, unknown> },
    schema?: unknown,
    opts?: unknown,
  ): Promise<unknown>;
  close(): Promise<void>;
  setNotificationHandler(schema: unknown, handler: (n: unknown) => void): void;
}

export interface Running {
  cfg: McpServerConfig;
  status: McpServerStatus;
  client?: ClientLike;
  closeTransport?: () => Promise<void>;
  stderr?: () => string;
  starting?: Promise<void>;
  nextRestartAt: number;
  /** Bumped on every (re)start so a late event from an old connection is ignored. */
  generation: number;
}

export function targetOf(cfg: McpServerConfig): string {
  return cfg.transport === 'stdio' ? [cfg.command, ...cfg.args].join(' ') : cfg.url;
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Last non-empty stderr line, for a one-line failure message. */
export function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1)?.slice(0, 200) ?? '';
}
