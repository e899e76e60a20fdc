/**
 * MCP server configuration in the shape the ecosystem already uses (Claude Code's `.mcp.json`,
 * Cursor, Codex's `mcp_servers`): `{"mcpServers": {"<name>": {command, args, env, cwd} | {url, headers}}}`.
 * Sources, later ones winning per server name: the user config's `mcpServers`, the project's
 * `.mcp.json` (only when the project is trusted), then each `--mcp-config <file>` in order.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { usageError } from '../util/errors.js';

/** A server started as a child process speaking JSON-RPC over stdio. */
export interface StdioServerConfig {
  transport: 'stdio';
  command: string;
  args: string[];
  /** Extra environment for the server (the only way a secret reaches it). */
  env: Record<string, string>;
  cwd?: string;
}

/** A server reached over Streamable HTTP. */
export interface HttpServerConfig {
  transport: 'http';
  url: string;
  headers: Record<string, string>;
}

export type McpServerConfig = (StdioServerConfig | HttpServerConfig) & {
  name: string;
  /** Where it was configured (`user config`, `.mcp.json`, a file path). */
  source: string;
  /** `"enabled": false` keeps a server configured but not started. */
  enabled: boolean;
};

const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

function stringRecord(value: unknown, what: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${what} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new Error(`${what}.${k} must be a string`);
    out[k] = v;
  }
  return out;
}

/** Validates one server entry; throws an Error with a one-line message. */
export function parseServerEntry(
  name: string,
  raw: unknown,
  source: string,
  baseDir?: string,
): McpServerConfig {
  if (!NAME_RE.test(name)) throw new Error(`server name "${name}" must match ${NAME_RE.source}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`server "${name}" must be an object`);
  const r = raw as Record<string, unknown>;
  const enabled = r['enabled'] !== false && r['disabled'] !== true;
  const type = r['type'];
  if (typeof r['url'] === 'string' || type === 'http' || type === 'streamable-http' || type === 'sse') {
    const url = r['url'];
    if (typeof url !== 'string') throw new Error(`server "${name}": "url" must be a string`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`server "${name}": "url" is not a valid URL: ${url}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new Error(`server "${name}": "url" must be http or https`);
    return {
      name,
      source,
      enabled,
      transport: 'http',
      url,
      headers: stringRecord(r['headers'], `server "${name}": headers`),
    };
  }
  const command = r['command'];
  if (typeof command !== 'string' || command.trim() === '')
    throw new Error(`server "${name}" needs "command" (stdio) or "url" (Streamable HTTP)`);
  const args = r['args'] ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string'))
    throw new Error(`server "${name}": "args" must be an array of strings`);
  const cwdRaw = r['cwd'];
  if (cwdRaw !== undefined && typeof cwdRaw !== 'string')
    throw new Error(`server "${name}": "cwd" must be a string`);
  return {
    name,
    source,
    enabled,
    transport: 'stdio',
    command,
    args: args as string[],
    env: stringRecord(r['env'], `server "${name}": env`),
    ...(cwdRaw ? { cwd: isAbsolute(cwdRaw) || !baseDir ? cwdRaw : resolve(baseDir, cwdRaw) } : {}),
  };
}

/** Parses a whole `{"mcpServers": {...}}` object (a bare map of servers is accepted too). */
export function parseServers(doc: unknown, source: string, baseDir?: string): McpServerConfig[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw usageError(`${source}: MCP config must be a JSON object`, 'invalid_config');
  const d = doc as Record<string, unknown>;
  const servers = d['mcpServers'] ?? d['mcp_servers'] ?? {};
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers))
    throw usageError(`${source}: "mcpServers" must be an object`, 'invalid_config');
  const out: McpServerConfig[] = [];
  for (const [name, raw] of Object.entries(servers as Record<string, unknown>)) {
    try {
      out.push(parseServerEntry(name, raw, source, baseDir));
    } catch (err) {
      throw usageError(`${source}: ${(err as Error).message}`, 'invalid_config');
    }
  }
  return out;
}

/** Reads an MCP config file; a missing or malformed file is a one-line usage error. */
export function readMcpConfigFile(file: string, cwd: string): McpServerConfig[] {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw usageError(
      `cannot read MCP config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'invalid_config',
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw usageError(`cannot parse MCP config ${path}: ${(err as Error).message}`, 'invalid_config');
  }
  return parseServers(doc, path, resolve(path, '..'));
}

/** The project's `.mcp.json`, if present. */
export function projectMcpFile(cwd: string): string | null {
  const file = join(cwd, '.mcp.json');
  return existsSync(file) ? file : null;
}

export interface McpConfigInput {
  cwd: string;
  /** The user config's `mcpServers` value (from conf). */
  user?: unknown;
  /** Whether the project is trusted: only then is `.mcp.json` read. */
  projectTrusted: boolean;
  /** `--mcp-config` files, in order. */
  files?: string[];
}

export interface ResolvedMcpConfig {
  servers: McpServerConfig[];
  /** One-line notices (e.g. an untrusted project's `.mcp.json` was ignored). */
  warnings: string[];
}

/** Merges every source into one list (later sources win per name); disabled servers are kept. */
export function resolveMcpConfig(input: McpConfigInput): ResolvedMcpConfig {
  const byName = new Map<string, McpServerConfig>();
  const warnings: string[] = [];
  const add = (list: McpServerConfig[]) => {
    for (const s of list) byName.set(s.name, s);
  };
  if (input.user !== undefined && input.user !== null)
    add(parseServers({ mcpServers: input.user }, 'user config mcpServers'));
  const projectFile = projectMcpFile(input.cwd);
  if (projectFile) {
    if (input.projectTrusted) add(readMcpConfigFile(projectFile, input.cwd));
    else
      warnings.push(
        `ignored MCP servers in ${projectFile}: the project is not trusted (trust it with --trust or in the interactive prompt)`,
      );
  }
  for (const f of input.files ?? []) add(readMcpConfigFile(f, input.cwd));
  return { servers: [...byName.values()], warnings };
}
