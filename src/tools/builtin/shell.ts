/**
 * The `shell` tool: the user's shell (sourcing the session's shell snapshot, or as a login shell)
 * runs `<command>` in the workspace (optionally inside bubblewrap), with a
 * sanitised environment, wall and inactivity timeouts, process-group kill on cancel/timeout and
 * bounded, spilled output.
 */
import { statSync } from 'node:fs';
import { wrapInPidNamespace } from '../../platform/pid-namespace.js';
import { bwrapArgs } from '../../policy/bwrap-args.js';
import { visibleText } from '../../util/visible-text.js';
import { defineTool, type ToolOutcome } from '../define-tool.js';
import { SHELL_DESCRIPTION } from '../descriptions/shell.js';
import { sanitizeEnv } from '../exec/env.js';
import { type ExecResult, type Executor, processExecutor } from '../exec/run-process.js';
import { loginShellLauncher } from '../exec/shell-snapshot.js';
import { displayPath, resolveToolPath } from '../fs/workspace.js';

/** Validated `shell` arguments. */
export interface ShellArgs {
  command: string;
  workdir: string | null;
  timeout_ms: number | null;
}

/** Exit code reported for timed-out commands (coreutils `timeout`, codex). */
export const TIMEOUT_EXIT_CODE = 124;

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGKILL: 9,
  SIGTERM: 15,
  SIGPIPE: 13,
  SIGSEGV: 11,
  SIGABRT: 6,
};

/** First line of the command, control and invisible characters escaped (`\r`, `\x1b`…). */
function summaryLine(command: string): string {
  const first = visibleText(command.split('\n')[0] ?? '');
  const more = command.includes('\n') ? ' …' : '';
  return first.length > 200 ? `${first.slice(0, 200)}…` : first + more;
}

/** Renders an exec result as the model-facing text and status. */
export function formatShellResult(r: ExecResult, timeoutMs: number, inactivityMs: number): ToolOutcome {
  const body = r.output.length > 0 ? r.output.replace(/\n?$/, '\n') : '';
  switch (r.end) {
    case 'exit': {
      const code = r.exitCode ?? (r.exitSignal ? 128 + (SIGNAL_NUMBERS[r.exitSignal] ?? 0) : 1);
      const sig = r.exitSignal ? ` (killed by ${r.exitSignal})` : '';
      return {
        status: code === 0 ? 'ok' : 'error',
        exitCode: code,
        output: `${body || '(no output)\n'}[exit code ${code}${sig}]`,
      };
    }
    case 'timeout':
      return {
        status: 'timeout',
        exitCode: TIMEOUT_EXIT_CODE,
        output: `${body}[command timed out after ${timeoutMs} ms and was killed (process group terminated); exit code ${TIMEOUT_EXIT_CODE}. Use a larger timeout_ms (max allowed is enforced) or run it differently.]`,
      };
    case 'inactivity':
      return {
        status: 'timeout',
        exitCode: TIMEOUT_EXIT_CODE,
        output: `${body}[command printed nothing for ${inactivityMs} ms and was killed (inactivity timeout); exit code ${TIMEOUT_EXIT_CODE}.]`,
      };
    case 'aborted':
      return { status: 'aborted', output: body ? `aborted\n${body}` : 'aborted' };
    case 'spawn_error':
      return { status: 'error', output: `failed to start the command: ${r.error ?? 'unknown error'}` };
    default: {
      const unreachable: never = r.end;
      return { status: 'error', output: `unexpected end ${String(unreachable)}` };
    }
  }
}

/** Creates the shell tool around an executor (tests pass a fake one). */
export function createShellTool(executor: Executor = processExecutor) {
  return defineTool<ShellArgs>({
    name: 'shell',
    kind: 'execute',
    description: SHELL_DESCRIPTION,
    parameters: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The bash script to run.' },
        workdir: {
          type: ['string', 'null'],
          description: 'Working directory relative to the workspace root; null for the root.',
        },
        timeout_ms: {
          type: ['integer', 'null'],
          description: 'Timeout in milliseconds; null for the default.',
        },
      },
      required: ['command', 'workdir', 'timeout_ms'],
      additionalProperties: false,
    },
    async prepare(args, ctx) {
      if (args.command.trim() === '') return { ok: false, error: 'shell: command is empty' };
      if (args.command.includes('\0')) return { ok: false, error: 'shell: command contains a NUL byte' };
      if (args.timeout_ms !== null && args.timeout_ms <= 0)
        return { ok: false, error: 'shell: timeout_ms must be positive' };
      let cwd = ctx.ws.root;
      if (args.workdir !== null && args.workdir !== '') {
        const r = resolveToolPath(ctx.ws, args.workdir, 'read');
        if (!r.ok) return { ok: false, error: `shell: workdir: ${r.error}` };
        let isDir = false;
        try {
          isDir = statSync(r.path).isDirectory();
        } catch {
          isDir = false;
        }
        if (!isDir)
          return { ok: false, error: `shell: workdir ${args.workdir} is not an existing directory` };
        cwd = r.path;
      }
      const where = cwd === ctx.ws.root ? '' : ` (in ${displayPath(ctx.ws, cwd)})`;
      return {
        ok: true,
        subject: {
          kind: 'command',
          summary: `shell: ${summaryLine(args.command)}${where}`,
          command: args.command,
          paths: [cwd],
        },
        touches: [cwd],
      };
    },
    async execute(args, ctx, opts) {
      const command = opts.commandOverride ?? args.command;
      const { settings } = ctx;
      const timeoutMs = Math.max(
        1,
        Math.min(args.timeout_ms ?? settings.toolTimeoutMs, settings.toolMaxTimeoutMs),
      );
      const inactivityMs = settings.toolInactivityTimeoutMs;
      let cwd = ctx.ws.root;
      if (args.workdir !== null && args.workdir !== '') {
        const r = resolveToolPath(ctx.ws, args.workdir, 'read');
        if (!r.ok) return { status: 'error', output: `shell: workdir: ${r.error}` };
        cwd = r.path;
      }
      const env = { ...sanitizeEnv(ctx.env), PAGER: 'cat', GIT_PAGER: 'cat' };
      const inv = await (ctx.shell ?? loginShellLauncher(ctx.env)).invocation(command);
      let file = inv.file;
      let argv = inv.args;
      if (opts.sandboxed) {
        if (ctx.sandbox.tier !== 'bwrap') {
          return {
            status: 'error',
            output:
              'shell: a sandboxed run was requested but no sandbox is available; the command was not run',
          };
        }
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
      const req = {
        file,
        args: argv,
        cwd,
        env,
        timeoutMs,
        inactivityTimeoutMs: inactivityMs,
        maxChars: settings.toolOutputMaxChars,
        spillDir: ctx.spillDir,
        toolName: 'shell',
        signal: opts.signal,
        clock: ctx.clock,
        ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
      };
      const r = await executor.exec(req);
      const outcome = formatShellResult(r, timeoutMs, inactivityMs);
      outcome.selfTruncated = true;
      if (r.truncated) outcome.truncated = true;
      if (r.spillPath) outcome.spillPath = r.spillPath;
      return outcome;
    },
  });
}
