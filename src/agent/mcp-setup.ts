/**
 * MCP wiring of one agent runtime: builds the manager and the combined tool runtime (the SDK
 * is imported only when a server is configured), and once the agent and session exist, starts
 * the servers in the background with their notices and tool-list changes routed to them.
 */
import type { Settings } from '../config/schema.js';
import type { McpServerConfig } from '../mcp/config.js';
import type { McpManager } from '../mcp/manager.js';
import type { ToolRuntime } from '../tools/types.js';
import type { Clock } from '../util/clock.js';
import { VERSION } from '../util/version.js';

export interface McpSetup {
  mcp: McpManager | null;
  /** The built-in tools, plus the MCP tools when a server is configured. */
  tools: ToolRuntime;
  /** Starts the servers (no-op without any); resolves when every one has started or failed. */
  start(hooks: { notice(message: string): void; toolsChanged(): void }): Promise<void>;
}

export async function setupMcp(opts: {
  servers: readonly McpServerConfig[];
  builtin: ToolRuntime;
  settings: Pick<Settings, 'mcpStartupTimeoutMs' | 'mcpCallTimeoutMs' | 'toolOutputMaxChars'>;
  cwd: string;
  env: NodeJS.ProcessEnv;
  spillDir: string;
  clock: Clock;
}): Promise<McpSetup> {
  const servers = opts.servers.filter((s) => s.enabled);
  if (servers.length === 0) return { mcp: null, tools: opts.builtin, start: async () => {} };
  const [{ McpManager }, { withMcpTools }] = await Promise.all([
    import('../mcp/manager.js'),
    import('../mcp/tool-runtime.js'),
  ]);
  let hooks: { notice(message: string): void; toolsChanged(): void } | null = null;
  const mcp = new McpManager({
    servers: [...opts.servers],
    cwd: opts.cwd,
    env: opts.env,
    startupTimeoutMs: opts.settings.mcpStartupTimeoutMs,
    callTimeoutMs: opts.settings.mcpCallTimeoutMs,
    clientVersion: VERSION,
    // Events only flow after start(), when the hooks are set.
    onEvent: (e) => {
      if (e.type === 'warning' && e.message) hooks?.notice(e.message);
      if (e.type === 'tools_changed') hooks?.toolsChanged();
    },
  });
  const tools = withMcpTools(opts.builtin, mcp, {
    spillDir: opts.spillDir,
    outputMaxChars: opts.settings.toolOutputMaxChars,
    now: () => opts.clock.now(),
  });
  return {
    mcp,
    tools,
    start(h) {
      hooks = h;
      return mcp.start().catch(() => undefined);
    },
  };
}
