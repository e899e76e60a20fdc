/**
 * Maps a scenario's generic call (`shell`, `apply_patch`, `read_file`, `list_dir`, …) onto the
 * tools the client actually declared, so one script drives tether (`shell {command}`), Codex
 * (`exec_command {cmd}`, `shell_command {command}`, `shell {command: argv}`, custom
 * `apply_patch`) or any other client. Strict function tools get `null` for every required
 * property the script leaves out (strict schemas list all properties as required).
 */
import type { CallSpec } from './scenario-types.js';

/** A call ready to stream: a function call (JSON arguments) or a custom tool call (raw input). */
export type PlannedCall = (
  | { kind: 'function'; name: string; arguments: string }
  | { kind: 'custom'; name: string; input: string }
) & {
  /** Re-delivers an earlier call under its own `call_id` (the `redeliverCall` fault). */
  callId?: string;
};

interface Declared {
  type: string;
  name: string;
  props: Record<string, Record<string, unknown>> | undefined;
  required: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads the `tools` array of a request (anything malformed is skipped). */
export function declaredTools(tools: unknown): Declared[] {
  if (!Array.isArray(tools)) return [];
  const out: Declared[] = [];
  for (const t of tools) {
    if (!isObject(t) || typeof t['type'] !== 'string') continue;
    const name = typeof t['name'] === 'string' ? t['name'] : t['type'];
    const params = isObject(t['parameters']) ? t['parameters'] : undefined;
    const props =
      params && isObject(params['properties']) ? (params['properties'] as Declared['props']) : undefined;
    const required =
      params && Array.isArray(params['required'])
        ? params['required'].filter((r): r is string => typeof r === 'string')
        : [];
    out.push({ type: t['type'], name, props, required });
  }
  return out;
}

/** Alternative property names for our canonical argument names. */
const ALIASES: Record<string, string[]> = {
  command: ['cmd', 'command_line', 'script'],
  path: ['file_path', 'filepath', 'dir_path', 'directory', 'absolute_path', 'target_file'],
  patch: ['input', 'diff', 'patch_text'],
  workdir: ['cwd', 'working_directory', 'dir'],
  // exec_command has no timeout: how long to wait before it answers is the closest meaning.
  timeout_ms: ['timeout', 'yield_time_ms'],
  pattern: ['query', 'regex'],
  content: ['contents', 'text'],
};

/** Renames args onto the declared schema and fills missing required properties with null. */
function fitArgs(tool: Declared, args: Record<string, unknown>): Record<string, unknown> {
  if (!tool.props) return { ...args };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue;
    if (key in tool.props) out[key] = value;
    else {
      const alias = (ALIASES[key] ?? []).find((a) => tool.props && a in tool.props && !(a in out));
      if (alias) out[alias] = value;
    }
  }
  for (const r of tool.required) if (!(r in out)) out[r] = null;
  return out;
}

const SHELL_NAMES = [
  'shell',
  'exec_command',
  'shell_command',
  'bash',
  'run_shell_command',
  'execute_command',
  'terminal',
];

function shellTool(tools: Declared[]): Declared | undefined {
  const fns = tools.filter((t) => t.type === 'function');
  for (const name of SHELL_NAMES) {
    const hit = fns.find((t) => t.name === name);
    if (hit) return hit;
  }
  return fns.find((t) => /shell|exec|bash|command/i.test(t.name));
}

function fn(name: string, args: Record<string, unknown>): PlannedCall {
  return { kind: 'function', name, arguments: JSON.stringify(args) };
}

/** A shell call with `command` (a string) fitted to the client's shell tool. */
function shellCall(tools: Declared[], args: Record<string, unknown>): PlannedCall {
  const tool = shellTool(tools);
  if (!tool)
    return fn('shell', {
      command: args['command'],
      workdir: args['workdir'] ?? null,
      timeout_ms: args['timeout_ms'] ?? null,
    });
  const command = String(args['command'] ?? '');
  const propName = tool.props
    ? ['command', 'cmd', ...(ALIASES['command'] ?? [])].find((p) => p in (tool.props ?? {}))
    : 'command';
  const prop = propName && tool.props ? tool.props[propName] : undefined;
  const wantsArgv =
    prop !== undefined &&
    (prop['type'] === 'array' || (Array.isArray(prop['type']) && prop['type'].includes('array')));
  const value = wantsArgv ? ['bash', '-lc', command] : command;
  const rest = { ...args };
  delete rest['command'];
  return fn(tool.name, fitArgs(tool, { [propName ?? 'command']: value, ...rest }));
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Shell fallbacks for file tools the client did not declare. */
function shellFallback(spec: CallSpec, args: Record<string, unknown>): string | undefined {
  const path = typeof args['path'] === 'string' ? args['path'] : '.';
  switch (spec.tool) {
    case 'read_file': {
      const s = typeof args['start_line'] === 'number' ? args['start_line'] : undefined;
      const e = typeof args['end_line'] === 'number' ? args['end_line'] : undefined;
      return s || e ? `sed -n '${s ?? 1},${e ?? '$'}p' ${shellQuote(path)}` : `cat ${shellQuote(path)}`;
    }
    case 'list_dir':
      return `ls -la ${shellQuote(path)}`;
    case 'glob':
      return `find . -path ${shellQuote(`./${String(args['pattern'] ?? '*')}`)}`;
    case 'grep':
      return `grep -rn ${shellQuote(String(args['pattern'] ?? ''))} ${shellQuote(path)}`;
    case 'write_file':
      return `cat > ${shellQuote(path)} <<'TETHER_EOF'\n${String(args['content'] ?? '')}\nTETHER_EOF`;
    case 'apply_patch':
      return `apply_patch <<'TETHER_EOF'\n${String(args['patch'] ?? '')}\nTETHER_EOF`;
    default:
      return undefined;
  }
}

/** Turns a scenario call into the call this client understands. */
export function mapCall(spec: CallSpec, toolsField: unknown): PlannedCall {
  if (typeof spec.input === 'string') return { kind: 'custom', name: spec.tool, input: spec.input };
  const tools = declaredTools(toolsField);
  const args = spec.args ?? {};
  if (spec.tool === 'shell') return shellCall(tools, args);
  const exact = tools.find((t) => t.name === spec.tool);
  if (exact?.type === 'custom') {
    const raw = spec.tool === 'apply_patch' ? args['patch'] : (args['input'] ?? Object.values(args)[0]);
    return { kind: 'custom', name: exact.name, input: String(raw ?? '') };
  }
  if (exact) return fn(exact.name, fitArgs(exact, args));
  // Not declared under that name: use a shell equivalent when the client has a shell tool.
  const fallback = shellFallback(spec, args);
  if (fallback !== undefined && shellTool(tools)) return shellCall(tools, { command: fallback });
  return fn(spec.tool, { ...args });
}
