/**
 * The approval decision for one prepared call (RELIABILITY R21): approval mode × sandbox.
 *
 * | kind    | suggest                  | auto-edit                | full-auto                 |
 * |---------|--------------------------|--------------------------|---------------------------|
 * | read    | auto                     | auto                     | auto                      |
 * | edit    | ask                      | auto                     | auto                      |
 * | execute | auto if known-safe or    | auto if known-safe or    | auto (sandboxed when a    |
 * |         | allowed prefix, else ask | allowed prefix, else ask | sandbox is available)     |
 *
 * Sensitive files ask in every mode (see sensitive-paths.ts): reading or grepping a dotenv file
 * (unless `allowDotenv`), and writing a file that runs code on the user's next action.
 *
 * Destructive commands (forced `rm`, `git reset --hard`, `find -delete`… anywhere in the script) and commands with control or invisible
 * characters always ask. Auto-approved commands run sandboxed whenever a
 * sandbox is available; a command the user approved runs as approved (unsandboxed). Denying
 * `ask` when no one can answer is the agent loop's job.
 */
import type { ReadyCall } from '../tools/types.js';
import { type AllowRules, matchesAllowRules, suggestAllowRule } from './allow-rules.js';
import { type CommandClass, classifyCommand, isSafeArgv } from './command-safety.js';
import { pathReachProblem } from './path-reach.js';
import type { SandboxInfo } from './sandbox.js';
import { sensitiveFileReason } from './sensitive-decide.js';
import { isDotenvPath } from './sensitive-paths.js';
import type { PlainArgv } from './shell-analysis.js';

/** Approval modes (`--approval`). */
export type ApprovalMode = 'suggest' | 'auto-edit' | 'full-auto';

/** What to do with a call. */
export interface PolicyDecision {
  action: 'auto' | 'ask' | 'deny';
  /** Run the shell command inside the sandbox. */
  sandboxed: boolean;
  /** Why, in a few words (shown in logs and prompts). */
  reason: string;
  /** For an `ask` of a command: the narrowest "always allow" rule to offer, if any. */
  allowRule?: string[];
}

function commandOf(call: ReadyCall): string | null {
  if (call.subject.command !== undefined) return call.subject.command;
  const a = call.args;
  if (a && typeof a === 'object' && 'command' in a && typeof (a as { command: unknown }).command === 'string')
    return (a as { command: string }).command;
  return null;
}

/** The shell that runs a command: `exec_command`'s `shell` argument, else the default one. */
function shellOf(call: ReadyCall, defaultShell: string | undefined): string {
  const shell = (call.args as { shell?: unknown } | null)?.shell;
  const chosen = typeof shell === 'string' && shell !== '' ? shell : (defaultShell ?? 'bash');
  return chosen.slice(chosen.lastIndexOf('/') + 1);
}

/** Whether a word names a dotenv file, also as a flag's value (`--file=.env`, `-f.env`). */
function namesDotenv(word: string): boolean {
  return [word, ...word.split('=').slice(1), word.replace(/^-[A-Za-z]+/, '')].some(isDotenvPath);
}

/** Why the path arguments of `argvs` need approval (see path-reach.ts), or ''. */
function reachProblem(
  argvs: readonly PlainArgv[],
  call: ReadyCall,
  ctx: { workspace?: string; allowDotenv?: boolean },
): string {
  const workspace = ctx.workspace;
  if (!workspace) return '';
  const cwd = call.subject.paths[0] ?? workspace;
  return pathReachProblem(argvs, { cwd, workspace, allowDotenv: ctx.allowDotenv === true });
}

/** Decides whether `call` runs automatically, asks, or is denied. Reads the file system only to resolve the path arguments of commands that would run unasked. */
export async function decide(
  call: ReadyCall,
  ctx: {
    mode: ApprovalMode;
    sandbox: SandboxInfo;
    rules: AllowRules;
    /** Whether the user always allows this MCP tool (by its exact server and tool names). */
    mcpAllowed?: (server: string, tool: string) => boolean;
    /** Workspace real path: sensitive names are matched relative to it. */
    workspace?: string;
    /** The `allowDotenv` setting: dotenv reads need no approval. */
    allowDotenv?: boolean;
    /** The shell commands run with unless a call names one (`$SHELL` when bash or zsh). */
    defaultShell?: string;
  },
): Promise<PolicyDecision> {
  const canSandbox = ctx.sandbox.tier !== 'none';
  const sensitive = sensitiveFileReason(call, ctx);
  if (sensitive) return { action: 'ask', sandboxed: false, reason: sensitive };
  switch (call.kind) {
    case 'read':
      return { action: 'auto', sandboxed: false, reason: 'read-only tool' };
    case 'edit':
      if (ctx.mode === 'suggest')
        return { action: 'ask', sandboxed: false, reason: 'edits need approval in suggest mode' };
      return {
        action: 'auto',
        sandboxed: false,
        reason: `edits inside the workspace are automatic in ${ctx.mode} mode`,
      };
    case 'mcp': {
      // Server annotations (readOnlyHint…) are hints, not trust: only the user's rules count.
      if (ctx.mode === 'full-auto')
        return { action: 'auto', sandboxed: false, reason: 'full-auto: MCP tools run' };
      const { server, tool } = call.subject;
      if (server !== undefined && tool !== undefined && ctx.mcpAllowed?.(server, tool))
        return { action: 'auto', sandboxed: false, reason: 'MCP tool is always allowed' };
      return { action: 'ask', sandboxed: false, reason: `MCP tool calls need approval in ${ctx.mode} mode` };
    }
    case 'execute': {
      const command = commandOf(call);
      if (command === null)
        return { action: 'ask', sandboxed: false, reason: 'command could not be determined' };
      // The classifier parses bash; for another shell (zsh: `=rm`, glob qualifiers that run
      // code) it is conservative: nothing is known-safe and a text scan also decides danger.
      const shell = shellOf(call, ctx.defaultShell);
      let cls: CommandClass;
      try {
        const cwd = call.subject.paths[0] ?? ctx.workspace;
        cls = await classifyCommand(command, {
          shell,
          ...(ctx.workspace ? { workspace: ctx.workspace } : {}),
          ...(cwd ? { cwd } : {}),
        });
      } catch (err) {
        return {
          action: 'ask',
          sandboxed: false,
          reason: `the command could not be classified (${(err as Error).message})`,
        };
      }
      if (cls.dangerous)
        return {
          action: 'ask',
          sandboxed: false,
          reason: `destructive command (${cls.danger}) always needs approval`,
        };
      if (cls.hidden)
        return {
          action: 'ask',
          sandboxed: false,
          reason: 'the command contains control or invisible characters (shown escaped)',
        };
      if (ctx.mode === 'full-auto') {
        return canSandbox
          ? { action: 'auto', sandboxed: true, reason: 'full-auto: runs in the sandbox (network off)' }
          : { action: 'auto', sandboxed: false, reason: 'full-auto: no sandbox available, runs unsandboxed' };
      }
      // Reading a dotenv file asks in every mode (as read_file does); unsandboxed nothing masks it.
      const dotenv = ctx.allowDotenv ? undefined : cls.plain?.flat().find(namesDotenv);
      if (dotenv !== undefined)
        return {
          action: 'ask',
          sandboxed: false,
          reason: `${dotenv} is a dotenv file (may hold secrets): reading it always needs approval`,
        };
      const safe = cls.knownSafe;
      const allowed = !safe && matchesAllowRules(cls.plain, ctx.rules, isSafeArgv);
      // Where its path arguments really lead (a repository can plant `p -> /proc`).
      const reach = safe || allowed ? reachProblem(safe ? cls.runs : (cls.plain ?? []), call, ctx) : '';
      if (reach)
        return { action: 'ask', sandboxed: false, reason: `${reach}: needs approval in ${ctx.mode} mode` };
      if (safe) return { action: 'auto', sandboxed: canSandbox, reason: 'known-safe read-only command' };
      if (allowed)
        return { action: 'auto', sandboxed: canSandbox, reason: 'matches an always-allowed command' };
      const allowRule = suggestAllowRule(cls.plain);
      return {
        action: 'ask',
        sandboxed: false,
        reason: `commands need approval in ${ctx.mode} mode (not known-safe: ${cls.whyNotSafe})`,
        ...(allowRule ? { allowRule } : {}),
      };
    }
    default: {
      const unreachable: never = call.kind;
      return { action: 'deny', sandboxed: false, reason: `unknown tool kind ${String(unreachable)}` };
    }
  }
}
