/**
 * `exec_command` and `write_stdin`, the long-running process tools with the shapes of Codex's
 * unified exec: a command that ends within its yield time answers like a shell call; one still
 * running keeps running as a session the model polls, writes to and interrupts by id. Sandbox,
 * approval and environment policy are those of `shell` (the approval is for `cmd`; writing to a
 * session the user already allowed needs no new approval). `write_stdin` is in write-stdin.ts; the
 * report and wait both share are in exec-shared.ts.
 */
import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute } from 'node:path';
import { wrapInPidNamespace } from '../../platform/pid-namespace.js';
import { bwrapArgs } from '../../policy/bwrap-args.js';
import { type AnyTool, defineTool, type ToolContext } from '../define-tool.js';
import { EXEC_COMMAND_DESCRIPTION } from '../descriptions/exec.js';
import { sanitizeEnv } from '../exec/env.js';
import type { ExecSessionManager } from '../exec/exec-sessions.js';
import { loadPty } from '../exec/pty.js';
import { loginScrub, loginShellLauncher, type ShellInvocation } from '../exec/shell-snapshot.js';
import { displayPath, resolveToolPath } from '../fs/workspace.js';
import {
  clamp,
  EXEC_DEFAULT_YIELD_MS,
  EXEC_MAX_YIELD_MS,
  evictionNotes,
  MIN_YIELD_MS,
  manager,
  maxCharsFor,
  report,
  summaryLine,
  waitWatching,
} from './exec-shared.js';
import { createWriteStdinTool } from './write-stdin.js';

export {
  EXEC_DEFAULT_YIELD_MS,
  EXEC_MAX_YIELD_MS,
  POLL_MAX_YIELD_MS,
  WRITE_DEFAULT_YIELD_MS,
} from './exec-shared.js';
export { createWriteStdinTool, type WriteStdinArgs } from './write-stdin.js';

/** Validated `exec_command` arguments. */
export interface ExecCommandArgs {
  cmd: string;
  workdir: string | null;
  yield_time_ms: number | null;
  max_output_tokens: number | null;
  tty: boolean | null;
  login: boolean | null;
  shell: string | null;
}

const SHELLS = new Set(['bash', 'zsh', 'sh', 'dash']);
/** Directories an absolute `shell` may name: system locations, never the workspace or /tmp. */
const SHELL_DIRS = new Set([
  '/bin',
  '/usr/bin',
  '/usr/local/bin',
  '/opt/homebrew/bin',
  '/opt/local/bin',
  '/run/current-system/sw/bin',
]);

/**
 * Why `shell` is refused, or null. A bare name (found on PATH) or an absolute path in a system
 * directory: `bin/sh` or `/tmp/x/sh` would run a program the repository or the model planted,
 * under a command the bash classifier judged safe.
 */
export function shellArgProblem(shell: string): string | null {
  const name = basename(shell);
  if (!SHELLS.has(name)) return `exec_command: shell must be bash, zsh, sh or dash (got ${shell})`;
  if (shell === name) return null;
  if (isAbsolute(shell) && SHELL_DIRS.has(dirname(shell))) return null;
  return `exec_command: shell must be a name (bash, zsh, sh, dash) or a system path such as /bin/${name} (got ${shell})`;
}

function resolveCwd(
  ctx: ToolContext,
  workdir: string | null,
): { ok: true; cwd: string } | { ok: false; error: string } {
  if (workdir === null || workdir === '') return { ok: true, cwd: ctx.ws.root };
  const r = resolveToolPath(ctx.ws, workdir, 'read');
  if (!r.ok) return { ok: false, error: `exec_command: workdir: ${r.error}` };
  let isDir = false;
  try {
    isDir = statSync(r.path).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) return { ok: false, error: `exec_command: workdir ${workdir} is not an existing directory` };
  return { ok: true, cwd: r.path };
}

async function invocationFor(ctx: ToolContext, args: ExecCommandArgs): Promise<ShellInvocation | string> {
  const launcher = ctx.shell ?? loginShellLauncher(ctx.env);
  if (args.shell !== null && args.shell !== '') {
    const problem = shellArgProblem(args.shell);
    if (problem) return problem;
    const name = basename(args.shell);
    const own = await launcher.invocation('');
    if (basename(own.file) !== name) {
      // Not the snapshot's shell: its startup files run (a login profile; ~/.zshenv for any zsh),
      // so secret-named variables they export are unset before the command, as in a login fallback.
      const kind = name === 'bash' || name === 'zsh' ? name : 'sh';
      return { file: args.shell, args: [args.login ? '-lc' : '-c', loginScrub(kind) + args.cmd] };
    }
  }
  return launcher.invocation(args.cmd, { login: args.login === true });
}

/** Creates `exec_command`. */
export function createExecCommandTool(): AnyTool {
  return defineTool<ExecCommandArgs>({
    name: 'exec_command',
    kind: 'execute',
    description: EXEC_COMMAND_DESCRIPTION,
    parameters: {
      type: 'object',
      properties: {
        cmd: { type: 'string', description: 'The shell command to run.' },
        workdir: {
          type: ['string', 'null'],
          description: 'Working directory relative to the workspace root.',
        },
        yield_time_ms: {
          type: ['integer', 'null'],
          description: 'How long to wait for the command before returning (ms; default 10000, max 30000).',
        },
        max_output_tokens: { type: ['integer', 'null'], description: 'Cap on returned output, in tokens.' },
        tty: { type: ['boolean', 'null'], description: 'Run under a pseudo-terminal (default false).' },
        login: { type: ['boolean', 'null'], description: 'Start a fresh login shell (default false).' },
        shell: { type: ['string', 'null'], description: 'Shell binary: bash, zsh, sh or dash.' },
      },
      required: ['cmd', 'workdir', 'yield_time_ms', 'max_output_tokens', 'tty', 'login', 'shell'],
      additionalProperties: false,
    },
    async prepare(args, ctx) {
      if (args.cmd.trim() === '') return { ok: false, error: 'exec_command: cmd is empty' };
      if (args.cmd.includes('\0')) return { ok: false, error: 'exec_command: cmd contains a NUL byte' };
      const shellProblem = args.shell ? shellArgProblem(args.shell) : null;
      if (shellProblem) return { ok: false, error: shellProblem };
      const r = resolveCwd(ctx, args.workdir);
      if (!r.ok) return r;
      const where = r.cwd === ctx.ws.root ? '' : ` (in ${displayPath(ctx.ws, r.cwd)})`;
      return {
        ok: true,
        subject: {
          kind: 'command',
          summary: `exec_command: ${summaryLine(args.cmd)}${where}`,
          command: args.cmd,
          paths: [r.cwd],
        },
        touches: [r.cwd],
      };
    },
    async execute(args, ctx, opts) {
      const sessions = manager(ctx);
      const started = Date.now();
      const cmd = opts.commandOverride ?? args.cmd;
      const cwdR = resolveCwd(ctx, args.workdir);
      if (!cwdR.ok) return { status: 'error', output: cwdR.error };
      const cwd = cwdR.cwd;
      let pty: Awaited<ReturnType<typeof loadPty>> | undefined;
      if (args.tty) {
        pty = await loadPty();
        if (typeof pty === 'string')
          return {
            status: 'error',
            output: `exec_command: tty is not supported here (${pty}); the command was not run. Run it without tty.`,
          };
      }
      const inv = await invocationFor(ctx, { ...args, cmd });
      if (typeof inv === 'string') return { status: 'error', output: inv };
      const env = { ...sanitizeEnv(ctx.env), PAGER: 'cat', GIT_PAGER: 'cat' };
      let file = inv.file;
      let argv = inv.args;
      if (opts.sandboxed) {
        if (ctx.sandbox.tier !== 'bwrap')
          return {
            status: 'error',
            output:
              'exec_command: a sandboxed run was requested but no sandbox is available; the command was not run',
          };
        file = 'bwrap';
        argv = [
          ...bwrapArgs({
            writableRoots: ctx.ws.writableRoots,
            cwd,
            network: ctx.sandbox.network,
            ...(ctx.sandbox.hardening ? { hardening: ctx.sandbox.hardening } : {}),
          }),
          ...(inv.bind ? ['--ro-bind', inv.bind, inv.bind] : []),
          '--',
          inv.file,
          ...inv.args,
        ];
      } else {
        // Its own PID namespace: nothing it starts outlives it or tether (platform/pid-namespace.ts).
        ({ file, args: argv } = wrapInPidNamespace(ctx.sandbox.pidNamespace, file, argv, env, cwd));
      }
      let started_: ReturnType<ExecSessionManager['start']>;
      try {
        started_ = sessions.start(cmd, {
          file,
          args: argv,
          cwd,
          env,
          tty: args.tty === true,
          spill: { dir: ctx.spillDir, maxChars: ctx.settings.toolOutputMaxChars },
          ...(pty && typeof pty !== 'string' ? { pty } : {}),
        });
      } catch (err) {
        return {
          status: 'error',
          output: `exec_command: failed to start the command: ${(err as Error).message}`,
        };
      }
      const { session, evicted } = started_;
      const yieldMs = clamp(args.yield_time_ms ?? EXEC_DEFAULT_YIELD_MS, MIN_YIELD_MS, EXEC_MAX_YIELD_MS);
      await waitWatching(session, yieldMs, opts);
      if (opts.signal.aborted && !session.ended) {
        // Interrupting the turn while the command is still in its first wait stops it (it was
        // never handed back as a background session).
        sessions.end(session.id, 'interrupted');
        const out = report(
          session,
          started,
          maxCharsFor(ctx, args.max_output_tokens),
          evictionNotes(evicted),
        );
        return { status: 'aborted', output: `aborted; the process was ended\n${out.output}` };
      }
      // Give a process that just exited a moment to flush its last output.
      const out = report(session, started, maxCharsFor(ctx, args.max_output_tokens), evictionNotes(evicted));
      if (out.ended) sessions.release(session.id);
      const { ended: _e, ...outcome } = out;
      return outcome;
    },
  });
}

/** The exec tools (the `codex` tool profile's replacement for `shell`). */
export function createExecTools(): AnyTool[] {
  return [createExecCommandTool(), createWriteStdinTool()];
}
