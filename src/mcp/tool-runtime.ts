/**
 * Puts MCP tools next to the built-in ones behind the same {@link ToolRuntime} seam the agent
 * loop already uses: specs (JSON Schemas passed through, `strict: false`), prepare (tolerant
 * argument parsing, an `mcp` approval subject naming server and tool), run (cancellation,
 * progress as live output, text truncated and spilled like other tool output, images attached).
 */
import type { FunctionToolSpec } from '../protocol/client-events.js';
import { applyOutputBudget } from '../tools/define-tool.js';
import type {
  PreparedCall,
  ReadyCall,
  ToolCallRequest,
  ToolResult,
  ToolRunOptions,
  ToolRuntime,
} from '../tools/types.js';
import type { McpManager, McpToolInfo } from './manager.js';
import { isMcpToolName } from './names.js';

export interface McpRuntimeOptions {
  spillDir: string;
  outputMaxChars: number;
  now?: () => number;
}

/** The `description` offered to the model: the server's text, marked with where it comes from. */
function describe(t: McpToolInfo): string {
  const base = t.description.trim() || `Tool "${t.tool}".`;
  return `${base}\n(MCP tool "${t.tool}" of server "${t.server}".)`.slice(0, 4000);
}

export function mcpToolSpec(t: McpToolInfo): FunctionToolSpec {
  return {
    type: 'function',
    name: t.qualifiedName,
    description: describe(t),
    parameters: t.inputSchema,
    strict: false,
  };
}

function oneLineArgs(args: Record<string, unknown>): string {
  const s = JSON.stringify(args);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

/** A runtime that serves built-in tools from `base` and `mcp__…` tools from `manager`. */
export function withMcpTools(base: ToolRuntime, manager: McpManager, opts: McpRuntimeOptions): ToolRuntime {
  const now = opts.now ?? Date.now;
  return {
    ...(base.execSessions ? { execSessions: base.execSessions } : {}),
    ...(base.profile ? { profile: base.profile } : {}),
    specs: () => [...base.specs(), ...manager.tools().map(mcpToolSpec)],

    async prepare(req: ToolCallRequest): Promise<PreparedCall> {
      if (!isMcpToolName(req.name)) return base.prepare(req);
      const fail = (output: string): PreparedCall => ({
        ok: false,
        callId: req.callId,
        name: req.name,
        output,
      });
      if (req.kind === 'custom')
        return fail(`${req.name} is a function tool, not a freeform one: call it with JSON arguments.`);
      const info = manager.findTool(req.name);
      if (!info) {
        const names = manager.tools().map((t) => t.qualifiedName);
        return fail(
          `Unknown MCP tool "${req.name}".${names.length ? ` Available MCP tools: ${names.join(', ')}.` : ' No MCP tool is available right now.'}`,
        );
      }
      let args: unknown;
      try {
        args = req.arguments.trim() === '' ? {} : JSON.parse(req.arguments);
      } catch (err) {
        return fail(
          `Invalid arguments for ${req.name}: not valid JSON (${(err as Error).message}). Send a JSON object.`,
        );
      }
      if (typeof args !== 'object' || args === null || Array.isArray(args))
        return fail(`Invalid arguments for ${req.name}: expected a JSON object.`);
      const a = args as Record<string, unknown>;
      return {
        ok: true,
        callId: req.callId,
        name: req.name,
        kind: 'mcp',
        args: a,
        subject: {
          kind: 'mcp',
          summary: `${info.server}.${info.tool} ${oneLineArgs(a)}`,
          paths: [],
          server: info.server,
          tool: info.tool,
          arguments: JSON.stringify(a, null, 2),
        },
        touches: [],
      };
    },

    async run(call: ReadyCall, runOpts: ToolRunOptions): Promise<ToolResult> {
      if (!isMcpToolName(call.name)) return base.run(call, runOpts);
      const started = now();
      if (runOpts.signal.aborted) return { status: 'aborted', output: 'aborted', durationMs: 0 };
      const res = await manager.call(call.name, call.args as Record<string, unknown>, {
        signal: runOpts.signal,
        ...(runOpts.onOutput ? { onProgress: runOpts.onOutput } : {}),
      });
      const result: ToolResult = {
        status: res.status,
        output: res.text,
        durationMs: Math.max(0, Math.round(now() - started)),
      };
      if (res.images.length > 0) result.images = res.images;
      applyOutputBudget(result, opts.outputMaxChars, opts.spillDir, call.name);
      return result;
    },
  };
}
