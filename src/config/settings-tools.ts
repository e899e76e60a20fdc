/**
 * Settings of tool execution: shell timeouts, output budgets and spill files, the shell
 * snapshot, hosted web search, MCP timings and exec_command sessions. Part of the SETTINGS table
 * (schema.ts), in order.
 */
import { def } from './setting-def.js';

export const TOOL_SETTINGS = [
  def({
    key: 'toolTimeoutMs',
    env: 'TETHER_TOOL_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 120_000,
    description: 'Default shell command timeout (ms).',
  }),
  def({
    key: 'toolMaxTimeoutMs',
    env: 'TETHER_TOOL_MAX_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 600_000,
    description: 'Largest timeout the model may request (ms).',
  }),
  def({
    key: 'toolInactivityTimeoutMs',
    env: 'TETHER_TOOL_INACTIVITY_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 300_000,
    description: 'Kill a command that prints nothing for this long (ms).',
  }),
  def({
    key: 'toolOutputMaxChars',
    env: 'TETHER_TOOL_OUTPUT_MAX_CHARS',
    type: 'int',
    min: 1000,
    default: 40_000,
    description: 'Model-facing tool output budget (20% head, 80% tail; full output spilled to a file).',
  }),
  def({
    key: 'shellSnapshot',
    env: 'TETHER_SHELL_SNAPSHOT',
    type: 'bool',
    default: true,
    description:
      "Capture the login shell's environment, functions and aliases once per session and source it before each command instead of starting a login shell per command.",
  }),
  def({
    key: 'shellSnapshotTimeoutMs',
    env: 'TETHER_SHELL_SNAPSHOT_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 5_000,
    description:
      'Limit for capturing the shell snapshot; past it the session falls back to a login shell per command (ms).',
  }),
  def({
    key: 'webSearch',
    env: 'TETHER_WEB_SEARCH',
    type: 'bool',
    default: false,
    description: 'Offer the service\'s hosted web search tool (`{"type":"web_search"}`); also `--search`.',
  }),
  def({
    key: 'mcpStartupTimeoutMs',
    env: 'TETHER_MCP_STARTUP_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 10_000,
    description:
      'An MCP server that has not started and listed its tools by then is skipped with one warning (ms).',
  }),
  def({
    key: 'mcpCallTimeoutMs',
    env: 'TETHER_MCP_CALL_TIMEOUT_MS',
    type: 'int',
    min: 100,
    default: 120_000,
    description: 'Time limit of one MCP tool call; progress notifications restart it (ms).',
  }),
  def({
    key: 'toolSpillMaxBytes',
    env: 'TETHER_TOOL_SPILL_MAX_BYTES',
    type: 'int',
    min: 4096,
    default: 64 * 1024 * 1024,
    description:
      'Largest spill file of one tool call (bytes); output past it is dropped and the cap is noted.',
  }),
  def({
    key: 'toolSpillTotalMaxBytes',
    env: 'TETHER_TOOL_SPILL_TOTAL_MAX_BYTES',
    type: 'int',
    min: 4096,
    default: 512 * 1024 * 1024,
    description:
      'Cap on all spill files together (bytes); at startup files older than 7 days, then the oldest, are deleted to stay under half of it.',
  }),
  def({
    key: 'execMaxSessions',
    env: 'TETHER_EXEC_MAX_SESSIONS',
    type: 'int',
    min: 1,
    default: 8,
    description:
      'Most exec_command processes running at once; starting one more ends the least recently used, with a notice.',
  }),
  def({
    key: 'execBufferChars',
    env: 'TETHER_EXEC_BUFFER_CHARS',
    type: 'int',
    min: 1000,
    default: 1_000_000,
    description:
      'Unread output kept per exec_command process (chars; beyond it the middle is dropped, head and tail kept).',
  }),
] as const;
