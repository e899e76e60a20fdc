/**
 * `tether mcp list | get | add | remove`: the user config's `mcpServers` (the same shape as
 * Claude Code's `.mcp.json`), like `codex mcp` / `claude mcp`. `list --check` starts every
 * configured server once and reports its state and tools.
 */
import { resolveProjectTrust } from '../../config/trust.js';
import { openUserConfig } from '../../config/user-config.js';
import { type McpServerConfig, parseServerEntry, parseServers, resolveMcpConfig } from '../../mcp/config.js';
import { usageError } from '../../util/errors.js';
import { EXIT } from '../../util/exit-codes.js';
import { redact } from '../../util/redact.js';
import { VERSION } from '../../util/version.js';

type Out = (s: string) => void;

function rawServers(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? { ...(value as Record<string, unknown>) }
    : {};
}

function describe(s: McpServerConfig): string {
  const target = s.transport === 'stdio' ? [s.command, ...s.args].join(' ') : s.url;
  return `${s.name}\t${s.transport}\t${s.enabled ? 'enabled' : 'disabled'}\t${target}\t(${s.source})`;
}

/** Values of env/header maps are shown as `***`: they are where secrets go. */
function masked(s: McpServerConfig): Record<string, unknown> {
  const hide = (r: Record<string, string>) => Object.fromEntries(Object.keys(r).map((k) => [k, '***']));
  return s.transport === 'stdio'
    ? {
        name: s.name,
        transport: 'stdio',
        command: s.command,
        args: s.args,
        env: hide(s.env),
        ...(s.cwd ? { cwd: s.cwd } : {}),
        enabled: s.enabled,
        source: s.source,
      }
    : {
        name: s.name,
        transport: 'http',
        url: s.url,
        headers: hide(s.headers),
        enabled: s.enabled,
        source: s.source,
      };
}

function parsePairs(list: unknown, sep: RegExp, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of Array.isArray(list) ? (list as string[]) : []) {
    const m = sep.exec(item);
    if (!m || m.index === 0) throw usageError(`invalid ${what} "${item}"`);
    out[item.slice(0, m.index).trim()] = item.slice(m.index + m[0].length).trim();
  }
  return out;
}

export async function runMcpCommand(
  action: string,
  args: string[],
  opts: Record<string, unknown>,
  io: { out: Out; err: Out; env: NodeJS.ProcessEnv; cwd: string } = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
  },
): Promise<number> {
  const store = await openUserConfig(io.env);
  const servers = rawServers(store.getRaw('mcpServers'));
  switch (action) {
    case 'list': {
      const resolved = resolveMcpConfig({
        cwd: io.cwd,
        user: servers,
        projectTrusted: resolveProjectTrust({ cwd: io.cwd, env: io.env, user: store.all() }).trusted,
      });
      for (const w of resolved.warnings) io.err(`tether: ${w}\n`);
      if (opts['check']) return checkServers(resolved.servers, opts['json'] === true, io);
      if (opts['json']) {
        io.out(`${JSON.stringify(resolved.servers.map(masked), null, 2)}\n`);
        return EXIT.success;
      }
      if (resolved.servers.length === 0) {
        io.out('No MCP servers configured. Add one with: tether mcp add <name> <command> [args…]\n');
        return EXIT.success;
      }
      for (const s of resolved.servers) io.out(`${describe(s)}\n`);
      return EXIT.success;
    }
    case 'get': {
      const name = args[0] ?? '';
      if (!(name in servers)) throw usageError(`no MCP server named "${name}" in the user config`);
      const [s] = parseServers({ mcpServers: { [name]: servers[name] } }, 'user config');
      io.out(
        `${JSON.stringify(opts['json'] ? masked(s as McpServerConfig) : masked(s as McpServerConfig), null, 2)}\n`,
      );
      return EXIT.success;
    }
    case 'add': {
      const [name, commandOrUrl, ...rest] = args;
      if (!name) throw usageError('mcp add: a server name is required');
      const url = typeof opts['url'] === 'string' ? opts['url'] : undefined;
      let entry: Record<string, unknown>;
      if (url) {
        if (commandOrUrl) throw usageError('mcp add: give either --url or a command, not both');
        entry = { url, headers: parsePairs(opts['header'], /:\s*/, 'header (expected "Name: value")') };
      } else {
        if (!commandOrUrl) throw usageError('mcp add: a command (or --url) is required');
        entry = {
          command: commandOrUrl,
          args: rest,
          env: parsePairs(opts['env'], /=/, 'env (expected KEY=VALUE)'),
        };
      }
      try {
        parseServerEntry(name, entry, 'mcp add');
      } catch (e) {
        throw usageError(`mcp add: ${(e as Error).message}`);
      }
      const existed = name in servers;
      servers[name] = entry;
      store.setRaw('mcpServers', servers);
      io.out(`${existed ? 'Updated' : 'Added'} MCP server "${name}" in ${store.path}\n`);
      return EXIT.success;
    }
    case 'remove': {
      const name = args[0] ?? '';
      if (!(name in servers)) throw usageError(`no MCP server named "${name}" in the user config`);
      delete servers[name];
      store.setRaw('mcpServers', servers);
      io.out(`Removed MCP server "${name}".\n`);
      return EXIT.success;
    }
    default:
      throw usageError(`unknown mcp action "${action}"`);
  }
}

async function checkServers(
  servers: McpServerConfig[],
  json: boolean,
  io: { out: Out; err: Out; env: NodeJS.ProcessEnv; cwd: string },
): Promise<number> {
  const { McpManager } = await import('../../mcp/manager.js');
  const { resolveSettings } = await import('../../config/load.js');
  const { settings } = resolveSettings({ env: io.env, cwd: io.cwd });
  const manager = new McpManager({
    servers,
    cwd: io.cwd,
    env: io.env,
    startupTimeoutMs: settings.mcpStartupTimeoutMs,
    callTimeoutMs: settings.mcpCallTimeoutMs,
    clientVersion: VERSION,
  });
  try {
    await manager.start();
    const status = manager.status();
    if (json) {
      io.out(
        `${JSON.stringify(
          status.map((s) => ({
            name: s.name,
            transport: s.transport,
            state: s.state,
            error: s.error,
            startup_ms: s.startupMs,
            tools: s.tools.map((t) => ({
              name: t.tool,
              qualified_name: t.qualifiedName,
              description: t.description,
            })),
          })),
          null,
          2,
        )}\n`,
      );
    } else {
      for (const s of status) {
        io.out(
          `${s.name} (${s.transport}): ${s.state}${s.error ? ` — ${redact(s.error)}` : ''}${s.startupMs !== undefined ? ` in ${s.startupMs} ms` : ''}\n`,
        );
        for (const t of s.tools)
          io.out(`  ${t.qualifiedName}  ${t.description.split('\n')[0]?.slice(0, 80) ?? ''}\n`);
      }
    }
    return status.some((s) => s.state === 'failed') ? EXIT.failed : EXIT.success;
  } finally {
    await manager.close();
  }
}
