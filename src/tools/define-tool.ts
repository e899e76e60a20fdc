/**
 * One way to define a tool and one wrapper around every tool (STYLE §3 example 6): the wrapper
 * parses and validates arguments against the tool's strict JSON Schema (invalid input becomes a
 * model-readable error, never a throw), truncates output head+tail with a spill file, and
 * records timing.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { SandboxInfo } from '../policy/sandbox.js';
import type { FunctionToolSpec } from '../protocol/client-events.js';
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
}

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

/** A tool definition. `A` is the validated argument shape. */
export interface ToolDef<A> {
  name: string;
  kind: ToolKind;
  /** Model-facing description. */
  description: string;
  /** Strict schema: every property required, optional ones typed `[T, "null"]`. */
  parameters: StrictObjectSchema;
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

function formatAjvErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'arguments do not match the schema';
  return errors
    .map((e) => {
      const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'arguments';
      if (e.keyword === 'additionalProperties')
        return `${at}: unknown property "${String(e.params['additionalProperty'])}"`;
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

  /** Strict function tool specs for requests. */
  specs(): FunctionToolSpec[] {
    return [...this.tools.values()].map((t) => ({
      type: 'function',
      name: t.name,
      description: t.description,
      parameters: t.parameters as unknown as Record<string, unknown>,
      strict: true,
    }));
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
    let args: unknown;
    try {
      args = JSON.parse(req.arguments === '' ? '{}' : req.arguments);
    } catch (err) {
      return fail(
        `Invalid arguments for ${tool.name}: not valid JSON (${(err as Error).message}). Please rewrite the input so it satisfies the expected schema.`,
      );
    }
    if (!validate(args)) {
      return fail(
        `Invalid arguments for ${tool.name}: ${formatAjvErrors(validate.errors)}. Please rewrite the input so it satisfies the expected schema.`,
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
    if (outcome.spillPath) result.spillPath = outcome.spillPath;
    if (outcome.truncated) result.truncated = true;
    if (!outcome.selfTruncated && outcome.output.length > this.ctx.settings.toolOutputMaxChars) {
      const t = truncateHeadTail(outcome.output, this.ctx.settings.toolOutputMaxChars);
      let spillPath: string | undefined;
      try {
        spillPath = writeSpillFile(this.ctx.spillDir, tool.name, outcome.output);
      } catch {
        spillPath = undefined;
      }
      result.output = renderTruncated(t, spillPath);
      result.truncated = true;
      if (spillPath) result.spillPath = spillPath;
    }
    return result;
  }
}
