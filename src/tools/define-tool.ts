/**
 * One way to define a tool and one wrapper around every tool (STYLE §3 example 6): the wrapper
 * parses and validates arguments against the tool's strict JSON Schema (invalid input becomes a
 * model-readable error, never a throw), truncates output head+tail with a spill file, and
 * records timing.
 *
 * Tool profiles (`tool_profile`): `json` offers every tool as a strict function tool; `codex`
 * offers the shapes GPT-5-family models are trained on — tools with a freeform form (apply_patch)
 * as `custom` tools with a Lark grammar, the others as `strict:false` functions read tolerantly
 * (a missing optional argument is null; an unknown or mistyped one gets an actionable message).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { SandboxInfo } from '../policy/sandbox.js';
import type { CustomToolSpec, FunctionToolSpec, ToolSpec } from '../protocol/client-events.js';
import type { Clock } from '../util/clock.js';
import type { ExecSessionManager } from './exec/exec-sessions.js';
import type { ShellLauncher } from './exec/shell-snapshot.js';
import type { Workspace } from './fs/workspace.js';
import { writeSpillFile } from './spill.js';
import { renderTruncated, truncateHeadTail } from './truncate.js';
import type {
  ApprovalSubject,
  FileChange,
  PreparedCall,
  ReadyCall,
  ToolCallRequest,
  ToolKind,
  ToolProfile,
  ToolResult,
  ToolRunOptions,
} from './types.js';

/** Limits every tool shares (from settings). */
export interface ToolSettings {
  /** Default shell timeout (ms). */
  toolTimeoutMs: number;
  /** Largest timeout the model may request (ms). */
  toolMaxTimeoutMs: number;
  /** Kill a command silent for this long (ms). */
  toolInactivityTimeoutMs: number;
  /** Model-facing output budget (chars). */
  toolOutputMaxChars: number;
  /** Largest spill file of one call (bytes; default 64 MiB). */
  toolSpillMaxBytes?: number;
  /** Bytes all spill files of this runtime may use (default 512 MiB). */
  toolSpillTotalMaxBytes?: number;
  /** Largest image view_image attaches (bytes); default {@link DEFAULT_IMAGE_MAX_BYTES}. */
  imageMaxBytes?: number;
}

/** Default cap on one image sent to the model (the `imageMaxBytes` setting). */
export const DEFAULT_IMAGE_MAX_BYTES = 10 * 1024 * 1024;

/** What a tool can use besides its arguments. */
export interface ToolContext {
  ws: Workspace;
  spillDir: string;
  /** Environment the child env is derived from (already sanitised by the shell tool). */
  env: NodeJS.ProcessEnv;
  settings: ToolSettings;
  sandbox: SandboxInfo;
  clock: Clock;
  /** How commands start (snapshot-sourcing shell or login shell); default a login shell. */
  shell?: ShellLauncher;
  /** Long-running exec sessions (exec_command / write_stdin). */
  exec?: ExecSessionManager;
}

/** What a tool's `prepare` returns: the approval subject, or a model-readable refusal. */
export type ToolPlan =
  | { ok: true; subject: ApprovalSubject; touches: string[] }
  | { ok: false; error: string };

/** What a tool's `execute` returns; the wrapper adds timing and truncation. */
export interface ToolOutcome {
  status: ToolResult['status'];
  output: string;
  exitCode?: number;
  fileChanges?: FileChange[];
  images?: ToolResult['images'];
  /** Set when the tool already truncated (and spilled) its own output. */
  spillPath?: string;
  truncated?: boolean;
  selfTruncated?: boolean;
}

/** A JSON Schema object for strict function tools. */
export interface StrictObjectSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  additionalProperties: false;
}

/** The freeform form of a tool (a Responses `custom` tool), offered in the codex profile. */
export interface FreeformForm<A> {
  /** Model-facing description of the custom tool. */
  description: string;
  /** Lark grammar the model's raw input follows. */
  grammar: string;
  /** Turns the raw input into the tool's arguments (validated like JSON arguments). */
  toArgs(input: string): A;
}

/** A tool definition. `A` is the validated argument shape. */
export interface ToolDef<A> {
  name: string;
  kind: ToolKind;
  /** Model-facing description. */
  description: string;
  /** Strict schema: every property required, optional ones typed `[T, "null"]`. */
  parameters: StrictObjectSchema;
  /** Freeform form: in the codex profile the tool is offered as a custom tool instead. */
  freeform?: FreeformForm<A>;
  /** Confines paths and builds the approval subject. Must not change anything on disk. */
  prepare(args: A, ctx: ToolContext): Promise<ToolPlan>;
  /** Does the work. May throw; the wrapper turns throws into error outputs. */
  execute(args: A, ctx: ToolContext, opts: ToolRunOptions): Promise<ToolOutcome>;
}

/** A tool with its argument type erased (arguments are validated by schema before use). */
export interface AnyTool {
  name: string;
  kind: ToolKind;
  description: string;
  parameters: StrictObjectSchema;
  freeform?: FreeformForm<unknown>;
  prepare(args: unknown, ctx: ToolContext): Promise<ToolPlan>;
  execute(args: unknown, ctx: ToolContext, opts: ToolRunOptions): Promise<ToolOutcome>;
}

/** Defines a tool; the schema is checked to be strict-mode compatible at definition time. */
export function defineTool<A>(def: ToolDef<A>): AnyTool {
  const props = Object.keys(def.parameters.properties);
  const missing = props.filter((p) => !def.parameters.required.includes(p));
  if (missing.length > 0)
    throw new Error(`tool ${def.name}: strict schemas need every property required (${missing.join(', ')})`);
  return def as unknown as AnyTool;
}

/** True when a property's schema admits null (an optional argument of a strict schema). */
function isNullable(prop: Record<string, unknown>): boolean {
  const t = prop['type'];
  return t === 'null' || (Array.isArray(t) && t.includes('null'));
}

/**
 * The `strict:false` form of a strict schema: only the non-nullable properties are required, so
 * the model may leave optional arguments out (they are read as null).
 */
export function relaxedSchema(schema: StrictObjectSchema): Record<string, unknown> {
  return {
    type: 'object',
    properties: schema.properties,
    required: schema.required.filter((k) => !isNullable(schema.properties[k] ?? {})),
    additionalProperties: false,
  };
}

function formatAjvErrors(errors: ErrorObject[] | null | undefined, tool: AnyTool): string {
  if (!errors || errors.length === 0) return 'arguments do not match the schema';
  const known = Object.keys(tool.parameters.properties).join(', ');
  return errors
    .map((e) => {
      const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'arguments';
      if (e.keyword === 'additionalProperties')
        return `${at}: unknown property "${String(e.params['additionalProperty'])}" (${tool.name} takes: ${known})`;
      if (e.keyword === 'required') return `${at}: missing property "${String(e.params['missingProperty'])}"`;
      return `${at}: ${e.message ?? 'invalid'}`;
    })
    .join('; ');
}

/** The registry the runtime uses: specs, prepare and run for a list of tools. */
export class ToolRegistry {
  private ajv: Ajv | undefined;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly tools = new Map<string, AnyTool>();

  constructor(
    tools: AnyTool[],
    private readonly ctx: ToolContext,
    readonly profile: ToolProfile = 'json',
  ) {
    for (const t of tools) this.tools.set(t.name, t);
  }

  /**
   * The argument validator of a tool, compiled on its first call: compiling every schema up front
   * cost tens of ms on the start-up path of the interactive screen.
   */
  private validator(name: string): ValidateFunction | undefined {
    let v = this.validators.get(name);
    const tool = this.tools.get(name);
    if (v || !tool) return v;
    this.ajv ??= new Ajv({ allErrors: true, strict: false });
    v = this.ajv.compile(tool.parameters);
    this.validators.set(name, v);
    return v;
  }

  /**
   * Tool specs for requests: strict functions (json profile), or custom tools for freeform
   * tools and `strict:false` functions for the rest (codex profile).
   */
  specs(): ToolSpec[] {
    return [...this.tools.values()].map((t): ToolSpec => {
      if (this.profile === 'json')
        return {
          type: 'function',
          name: t.name,
          description: t.description,
          parameters: t.parameters as unknown as Record<string, unknown>,
          strict: true,
        } satisfies FunctionToolSpec;
      if (t.freeform)
        return {
          type: 'custom',
          name: t.name,
          description: t.freeform.description,
          format: { type: 'grammar', syntax: 'lark', definition: t.freeform.grammar },
        } satisfies CustomToolSpec;
      return {
        type: 'function',
        name: t.name,
        description: t.description,
        parameters: relaxedSchema(t.parameters),
        strict: false,
      } satisfies FunctionToolSpec;
    });
  }

  /** Tool names offered to the model. */
  names(): string[] {
    return [...this.tools.keys()];
  }

  /**
   * The arguments of a call before validation: the freeform input of a custom call, or the
   * parsed JSON (missing optional properties filled with null — the tolerant reader).
   */
  private readArgs(
    tool: AnyTool,
    req: ToolCallRequest,
  ): { ok: true; args: unknown } | { ok: false; error: string } {
    if (req.kind === 'custom') {
      if (!tool.freeform)
        return {
          ok: false,
          error: `${tool.name} is a function tool, not a freeform one: call it with JSON arguments (${Object.keys(tool.parameters.properties).join(', ')}).`,
        };
      try {
        return { ok: true, args: tool.freeform.toArgs(req.arguments) };
      } catch (err) {
        return { ok: false, error: `Invalid input for ${tool.name}: ${(err as Error).message}` };
      }
    }
    let args: unknown;
    try {
      args = JSON.parse(req.arguments === '' ? '{}' : req.arguments);
    } catch (err) {
      return {
        ok: false,
        error: `Invalid arguments for ${tool.name}: not valid JSON (${(err as Error).message}). Please rewrite the input so it satisfies the expected schema.`,
      };
    }
    if (typeof args === 'object' && args !== null && !Array.isArray(args)) {
      const rec = { ...(args as Record<string, unknown>) };
      // A freeform tool called as a function with its raw text as `input` (Codex's JSON form).
      if (tool.freeform && typeof rec['input'] === 'string' && Object.keys(rec).length === 1) {
        try {
          return { ok: true, args: tool.freeform.toArgs(rec['input']) };
        } catch (err) {
          return { ok: false, error: `Invalid input for ${tool.name}: ${(err as Error).message}` };
        }
      }
      for (const [k, prop] of Object.entries(tool.parameters.properties)) {
        if (rec[k] === undefined && isNullable(prop)) rec[k] = null;
      }
      args = rec;
    }
    return { ok: true, args };
  }

  /** Parse + validate + tool-specific prepare. Never throws. */
  async prepare(req: ToolCallRequest): Promise<PreparedCall> {
    const fail = (output: string): PreparedCall => ({
      ok: false,
      callId: req.callId,
      name: req.name,
      output,
    });
    const tool = this.tools.get(req.name);
    const validate = this.validator(req.name);
    if (!tool || !validate)
      return fail(`Unknown tool "${req.name}". Available tools: ${[...this.tools.keys()].join(', ')}.`);
    const read = this.readArgs(tool, req);
    if (!read.ok) return fail(read.error);
    const { args } = read;
    if (!validate(args)) {
      return fail(
        `Invalid arguments for ${tool.name}: ${formatAjvErrors(validate.errors, tool)}. Please rewrite the input so it satisfies the expected schema.`,
      );
    }
    let plan: ToolPlan;
    try {
      plan = await tool.prepare(args, this.ctx);
    } catch (err) {
      return fail(`${tool.name} failed: ${(err as Error).message}`);
    }
    if (!plan.ok) return fail(plan.error);
    return {
      ok: true,
      callId: req.callId,
      name: tool.name,
      kind: tool.kind,
      args,
      subject: plan.subject,
      touches: plan.touches,
    };
  }

  /** Runs a prepared call with timing and truncation. Never throws. */
  async run(call: ReadyCall, opts: ToolRunOptions): Promise<ToolResult> {
    const started = this.ctx.clock.now();
    const elapsed = () => Math.max(0, Math.round(this.ctx.clock.now() - started));
    const tool = this.tools.get(call.name);
    if (!tool) return { status: 'error', output: `Unknown tool "${call.name}".`, durationMs: 0 };
    if (opts.signal.aborted) return { status: 'aborted', output: 'aborted', durationMs: 0 };
    let outcome: ToolOutcome;
    try {
      outcome = await tool.execute(call.args, this.ctx, opts);
    } catch (err) {
      outcome = {
        status: opts.signal.aborted ? 'aborted' : 'error',
        output: `${opts.signal.aborted ? 'aborted: ' : ''}${tool.name} failed: ${(err as Error).message}`,
      };
    }
    const result: ToolResult = { status: outcome.status, output: outcome.output, durationMs: elapsed() };
    if (outcome.exitCode !== undefined) result.exitCode = outcome.exitCode;
    if (outcome.fileChanges) result.fileChanges = outcome.fileChanges;
    if (outcome.images && outcome.images.length > 0) result.images = outcome.images;
    if (outcome.spillPath) result.spillPath = outcome.spillPath;
    if (outcome.truncated) result.truncated = true;
    if (!outcome.selfTruncated)
      applyOutputBudget(result, this.ctx.settings.toolOutputMaxChars, this.ctx.spillDir, tool.name);
    return result;
  }
}

/**
 * Keeps `result.output` within the model-facing budget: head + tail, with the full text spilled
 * to a file the model can read (shared by built-in and MCP tools).
 */
export function applyOutputBudget(
  result: ToolResult,
  maxChars: number,
  spillDir: string,
  toolName: string,
): void {
  const full = result.output;
  if (full.length <= maxChars) return;
  const t = truncateHeadTail(full, maxChars);
  let spillPath: string | undefined;
  try {
    spillPath = writeSpillFile(spillDir, toolName, full);
  } catch {
    spillPath = undefined;
  }
  result.output = renderTruncated(t, spillPath);
  result.truncated = true;
  if (spillPath) result.spillPath = spillPath;
}
