/**
 * `exec_command` and `write_stdin`, the long-running process tools with the shapes of Codex's
 * unified exec: a command that ends within its yield time answers like a shell call; one still
 * running keeps running as a session the model polls, writes to and interrupts by id. Sandbox,
 * approval and environment policy are those of `shell` (the approval is for `cmd`; writing to a
 * session the user already allowed needs no new approval).
 */
import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute } from 'node:path';
import { wrapInPidNamespace } from '../../platform/pid-namespace.js';
import { bwrapArgs } from '../../policy/bwrap-args.js';
import { type AnyTool, defineTool, type ToolContext, type ToolOutcome } from '../define-tool.js';
import { EXEC_COMMAND_DESCRIPTION, WRITE_STDIN_DESCRIPTION } from '../descriptions/exec.js';
import { sanitizeEnv } from '../exec/env.js';
import type { ExecSession } from '../exec/exec-session.js';
import type { EndedSession, ExecSessionManager } from '../exec/exec-sessions.js';
import { loadPty } from '../exec/pty.js';
import { loginShellLauncher, type ShellInvocation } from '../exec/shell-snapshot.js';
import { displayPath, resolveToolPath } from '../fs/workspace.js';
import { truncateHeadTail } from '../truncate.js';
import type { ToolRunOptions } from '../types.js';

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

/** Validated `write_stdin` arguments. */
export interface WriteStdinArgs {
  session_id: number;
  chars: string | null;
  yield_time_ms: number | null;
  max_output_tokens: number | null;
}

export const EXEC_DEFAULT_YIELD_MS = 10_000;
export const EXEC_MAX_YIELD_MS = 30_000;
export const WRITE_DEFAULT_YIELD_MS = 250;
export const POLL_MAX_YIELD_MS = 300_000;
const MIN_YIELD_MS = 250;
const CHARS_PER_TOKEN = 4;
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

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function summaryLine(command: string): string {
  const first = command.split('\n')[0] ?? '';
  const more = command.includes('\n') ? ' …' : '';
  return first.length > 200 ? `${first.slice(0, 200)}…` : first + more;
}

function manager(ctx: ToolContext): ExecSessionManager {
  if (!ctx.exec) throw new Error('exec sessions are not available in this runtime');
  return ctx.exec;
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

/** Renders what a session produced since the last read, within `maxChars`. */
function renderOutput(s: ExecSession, maxChars: number): { text: string; truncated: boolean } {
  const { head, tail, omitted } = s.take();
  let text =
    omitted > 0 ? `${head}\n[... ${omitted} characters of output omitted ...]\n${tail}` : head + tail;
  let truncated = omitted > 0;
  if (text.length > maxChars) {
    const t = truncateHeadTail(text, maxChars);
    text = `${t.head}\n[... ${t.omittedChars} characters of output omitted ...]\n${t.tail}`;
    truncated = true;
  }
  if (s.replacedControls > 0 && !s.tty)
    text += `\n[${s.replacedControls} binary control bytes shown as \uFFFD]`;
  if (truncated && s.spillPath)
    text += `\n[the whole output of this process so far is saved to ${s.spillPath}; read it with read_file]`;
  return { text, truncated };
}

function report(
  s: ExecSession,
  started: number,
  maxChars: number,
  notes: string[],
): ToolOutcome & { ended: boolean } {
  const { text, truncated } = renderOutput(s, maxChars);
  const wall = ((Date.now() - started) / 1000).toFixed(4);
  const lines = [...notes, `Wall time: ${wall} seconds`];
  let status: ToolOutcome['status'] = 'ok';
  let exitCode: number | undefined;
  if (s.ended) {
    exitCode = s.exitCode ?? 128 + signalNumber(s.exitSignal);
    if (exitCode !== 0) status = 'error';
    lines.push(`Process exited with code ${exitCode}${s.exitSignal ? ` (${s.exitSignal})` : ''}`);
  } else lines.push(`Process running with session ID ${s.id}`);
  lines.push('Output:', text);
  const out: ToolOutcome & { ended: boolean } = {
    status,
    output: lines.join('\n'),
    selfTruncated: true,
    ended: s.ended,
  };
  if (exitCode !== undefined) out.exitCode = exitCode;
  if (truncated) out.truncated = true;
  if (truncated && s.spillPath) out.spillPath = s.spillPath;
  return out;
}

function signalNumber(sig: string | null): number {
  if (!sig) return 1;
  const m = /(\d+)/.exec(sig);
  if (m) return Number(m[1]);
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };
  return table[sig] ?? 1;
}

function evictionNotes(evicted: EndedSession[]): string[] {
  return evicted.map((e) => `[note: process ${e.id} (${summaryLine(e.command)}) was ended: ${e.reason}]`);
}

function maxCharsFor(ctx: ToolContext, tokens: number | null): number {
  const cap = ctx.settings.toolOutputMaxChars;
  return tokens && tokens > 0 ? clamp(tokens * CHARS_PER_TOKEN, 400, cap) : cap;
}

async function invocationFor(ctx: ToolContext, args: ExecCommandArgs): Promise<ShellInvocation | string> {
  const launcher = ctx.shell ?? loginShellLauncher(ctx.env);
  if (args.shell !== null && args.shell !== '') {
    const problem = shellArgProblem(args.shell);
    if (problem) return problem;
    const name = basename(args.shell);
    const own = await launcher.invocation('');
    if (basename(own.file) !== name) return { file: args.shell, args: [args.login ? '-lc' : '-c', args.cmd] };
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
        ({ file, args: argv } = wrapInPidNamespace(ctx.sandbox.pidNamespace, file, argv, env));
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

/** Creates `write_stdin`. */
export function createWriteStdinTool(): AnyTool {
  return defineTool<WriteStdinArgs>({
    name: 'write_stdin',
    // Input to a session the user already allowed: no new approval (the command was approved).
    kind: 'read',
    description: WRITE_STDIN_DESCRIPTION,
    parameters: {
      type: 'object',
      properties: {
        session_id: { type: 'integer', description: 'Session id returned by exec_command.' },
        chars: { type: ['string', 'null'], description: 'Text to write; empty to only poll.' },
        yield_time_ms: {
          type: ['integer', 'null'],
          description: 'How long to collect output (ms; default 250).',
        },
        max_output_tokens: { type: ['integer', 'null'], description: 'Cap on returned output, in tokens.' },
      },
      required: ['session_id', 'chars', 'yield_time_ms', 'max_output_tokens'],
      additionalProperties: false,
    },
    async prepare(args, ctx) {
      const s = ctx.exec?.get(args.session_id);
      if (!s) return { ok: false, error: unknownSession(ctx, args.session_id) };
      const chars = args.chars ?? '';
      const what =
        chars === '' ? 'poll' : JSON.stringify(chars.length > 60 ? `${chars.slice(0, 60)}…` : chars);
      return {
        ok: true,
        subject: {
          kind: 'command',
          summary: `write_stdin ${s.id} (${summaryLine(s.command)}): ${what}`,
          paths: [],
        },
        touches: [],
      };
    },
    async execute(args, ctx, opts) {
      const sessions = manager(ctx);
      const s = sessions.get(args.session_id);
      if (!s) return { status: 'error', output: unknownSession(ctx, args.session_id) };
      const started = Date.now();
      const chars = args.chars ?? '';
      const notes: string[] = [];
      if (chars !== '' && s.ended)
        notes.push('[note: the process had already exited; the input was not delivered]');
      else if (!s.write(chars).delivered)
        notes.push(
          '[note: this process was started without tty, so it has no stdin; the input was not delivered (only "\\u0003" interrupts it). Start it with tty: true to send input.]',
        );
      const hi = chars === '' ? POLL_MAX_YIELD_MS : EXEC_MAX_YIELD_MS;
      const yieldMs = clamp(args.yield_time_ms ?? WRITE_DEFAULT_YIELD_MS, MIN_YIELD_MS, hi);
      await waitWatching(s, yieldMs, opts);
      s.lastUsed = Date.now();
      const out = report(s, started, maxCharsFor(ctx, args.max_output_tokens), notes);
      if (out.ended) sessions.release(s.id);
      const { ended: _e, ...outcome } = out;
      // An interrupted turn stops waiting; the process keeps running (it was started on purpose).
      return opts.signal.aborted ? { ...outcome, status: 'aborted' } : outcome;
    },
  });
}

/** Waits on a session, streaming its output to the UI meanwhile (coalesced, as shell does). */
async function waitWatching(s: ExecSession, ms: number, opts: ToolRunOptions): Promise<void> {
  const onOutput = opts.onOutput;
  if (!onOutput) return s.wait(ms, opts.signal);
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (!pending) return;
    const text = pending;
    pending = '';
    try {
      onOutput(text);
    } catch {
      /* a listener error must not break the call */
    }
  };
  const stop = s.watch((text) => {
    pending += text;
    if (pending.length > 65_536) pending = pending.slice(-65_536);
    timer ??= setTimeout(flush, 100);
  });
  try {
    await s.wait(ms, opts.signal);
  } finally {
    stop();
    clearTimeout(timer);
    flush();
  }
}

function unknownSession(ctx: ToolContext, id: number): string {
  const running = ctx.exec?.list() ?? [];
  const list = running.length
    ? `Running sessions: ${running.map((r) => `${r.id} (${summaryLine(r.command)})`).join(', ')}.`
    : 'No process is running.';
  return `write_stdin: no session ${id} (it ended and its output was already returned, or it never existed). ${list} Start a process with exec_command.`;
}

/** The exec tools (the `codex` tool profile's replacement for `shell`). */
export function createExecTools(): AnyTool[] {
  return [createExecCommandTool(), createWriteStdinTool()];
}
