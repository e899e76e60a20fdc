/** What the command line resolved, handed to each mode (print, interactive, demo). */

import type { UserImage } from '../agent/events.js';
import type { SettingSource } from '../config/load.js';
import type { Settings } from '../config/schema.js';
import type { ProjectTrust } from '../config/trust.js';
import type { McpServerConfig } from '../mcp/config.js';

export interface CliContext {
  settings: Settings;
  sources: Record<string, SettingSource>;
  /** The project's trust (MCP support reads `.mcp.json` only when `trust.trusted`). */
  trust?: ProjectTrust;
  /** Warnings to show once at session start (e.g. ignored untrusted project settings). */
  warnings?: string[];
  /** Workspace directory (after `-C`). */
  cwd: string;
  /** From OPENAI_API_KEY; undefined in demo mode or when unset. */
  apiKey: string | undefined;
  /** `--prompt` text (already read from stdin for `-p -`), or the positional prompt in interactive mode. */
  prompt: string | undefined;
  /** Piped stdin content attached as context to a --prompt run (undefined when none). */
  stdinContext: string | undefined;
  /** `-i/--image` files, loaded and checked: attached to the first prompt. */
  images?: UserImage[];
  /** `--resume [id]`: an id, `true` for "pick one", or undefined. */
  resume: string | true | undefined;
  /** `--continue`: resume the most recent session of this directory. */
  continueLast: boolean;
  demo: boolean;
  outputLastMessage: string | undefined;
  /** Whether the user trusts this project (its `.mcp.json` and `.tether/commands/` apply). */
  projectTrusted: boolean;
  /** MCP servers from the user config, a trusted project's `.mcp.json` and `--mcp-config`. */
  mcpServers: McpServerConfig[];
  /** One-line notices about the MCP configuration. */
  mcpWarnings: string[];
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}
