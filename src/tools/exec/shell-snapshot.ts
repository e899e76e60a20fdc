/**
 * Shell snapshot (Codex and Claude Code do the same): the user's login shell runs once per
 * session to capture what its profile sets up — exported variables, and for bash/zsh functions,
 * aliases and a few safe options — into a file (0600, in the data dir, named after the session).
 * Every command then runs in a plain `-c` shell that sources that file, instead of paying for the
 * login profile (pyenv, nvm, conda: 100–800 ms) on every command. Secrets are filtered from the
 * captured variables with the same rule as tether's own environment. A capture that fails or
 * exceeds its limit falls back to a login shell for the session, with one notice. `/new` renews
 * the snapshot: the old session's file is removed and the new session's capture starts in the
 * background. The capture script and runner are in shell-capture.ts, the file's text in
 * shell-render.ts.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { onProcessExit } from '../../util/exit-hooks.js';
import { mkdirs } from '../../util/mkdirs.js';
import { addSecretsFromEnv } from '../../util/redact.js';
import {
  CAPTURE_MAX_BYTES,
  captureScript,
  parseCapture,
  pickShell,
  removeStaleSnapshots,
  runCapture,
  shQuote,
} from './shell-capture.js';
import {
  ALL_FUNCTIONS_FLAG,
  functionsFor,
  INLINE_FUNCTIONS_MAX,
  loginScrub,
  renderSnapshot,
} from './shell-render.js';

export {
  type CapturedShell,
  parseCapture,
  pickShell,
  removeStaleSnapshots,
  shQuote,
} from './shell-capture.js';
export { functionsFor, loginScrub, parseAliases, renderSnapshot, splitFunctions } from './shell-render.js';

/** How to start one command. */
export interface ShellInvocation {
  file: string;
  args: string[];
  /** A file the command needs to read: bound read-only into a sandbox at the same path. */
  bind?: string;
}

/**
 * Where the launcher stands: `login` = a login shell per command (the capture failed or was too
 * slow); `plain` = a non-login shell without the profile, because the profile never returns to
 * its caller (`exec zsh`, `exit` in it), so a login shell would never run a command either.
 */
export type SnapshotState = 'pending' | 'ready' | 'login' | 'plain' | 'off';

/** Turns a command into a shell invocation (login shell or snapshot-sourcing shell). */
export interface ShellLauncher {
  /** Starts the capture in the background (idempotent; no-op when off). */
  start(): void;
  /** The invocation for `command`; `login` forces a login shell. Waits for a pending capture. */
  invocation(command: string, opts?: { login?: boolean }): Promise<ShellInvocation>;
  state(): SnapshotState;
  /**
   * A new session (`/new`): removes the current session's snapshot file (stopping its capture if
   * it still runs) and starts the capture for `sessionId` in the background.
   */
  renew(sessionId: string): void;
  /** The current snapshot file, if one is ready (tests, diagnostics). */
  file(): string | null;
  /** Removes the snapshot file and stops a running capture. */
  dispose(): void;
}

/** Options of {@link createShellLauncher}. */
export interface ShellLauncherOptions {
  /** The environment commands start from (already sanitised). */
  env: Record<string, string>;
  /** Directory of snapshot files (created 0700). */
  dir: string;
  /** Names the file (with the pid, so stale files of dead processes can be removed). */
  sessionId: string;
  /** Off: login shell for every command, as before. */
  enabled: boolean;
  /** Capture limit (ms); past it the session falls back to a login shell. */
  timeoutMs: number;
  /** One notice when the capture fails or falls back. */
  onNotice?: (message: string) => void;
  /** Override the shell (tests); default {@link pickShell}. */
  shell?: { path: string; kind: 'bash' | 'zsh' };
}

/** A launcher that runs every command in a login shell (snapshot off, and the default for tests). */
function loginOnly(shell: { path: string; kind: 'bash' | 'zsh' }): ShellLauncher {
  return {
    start() {},
    invocation: async (command) => ({ file: shell.path, args: ['-lc', loginScrub(shell.kind) + command] }),
    state: () => 'off',
    renew() {},
    file: () => null,
    dispose() {},
  };
}

/** A launcher that always uses a login shell (snapshot off, and the default for tests). */
export function loginShellLauncher(env: NodeJS.ProcessEnv = process.env): ShellLauncher {
  return loginOnly(pickShell(env));
}

/** One session's capture: its file, its parsed functions and aliases, and how it ended. */
interface Capture {
  sessionId: string;
  state: SnapshotState;
  ready: Promise<void>;
  path: string | null;
  functions: Map<string, string> | null;
  aliases: Map<string, string>;
  kill: (() => void) | null;
  /** Set when the capture was superseded (`renew`) or the launcher disposed. */
  over: boolean;
}

/** Creates the session's launcher; call `start()` early (it runs alongside the socket warm-up). */
export function createShellLauncher(opts: ShellLauncherOptions): ShellLauncher {
  const shell = opts.shell ?? pickShell(opts.env);
  if (!opts.enabled) return loginOnly(shell);
  const login = (command: string): ShellInvocation => ({
    file: shell.path,
    args: ['-lc', loginScrub(shell.kind) + command],
  });
  // zsh reads ~/.zshenv for every shell, -c ones included: with a snapshot (which already holds
  // what it set, secrets filtered) it must not run again, or its secrets come back (-f: no rc files).
  const plainArgs = shell.kind === 'zsh' ? ['-f', '-c'] : ['-c'];
  let sessionId = opts.sessionId;
  let current: Capture | null = null;
  let disposed = false;
  const live = new Set<Capture>();
  // One shared process-exit listener (util/exit-hooks.ts) removes whatever file is left.
  let unhookExit: (() => void) | null = null;

  const removeFile = (c: Capture) => {
    c.kill?.();
    if (c.path) {
      try {
        unlinkSync(c.path);
      } catch {
        /* already gone */
      }
    }
    c.path = null;
  };
  const end = (c: Capture) => {
    c.over = true;
    removeFile(c);
    live.delete(c);
  };

  const fallBack = (c: Capture, why: string, to: 'login' | 'plain' = 'login') => {
    c.state = to;
    removeFile(c);
    opts.onNotice?.(
      to === 'login'
        ? `shell snapshot unavailable (${why}); commands run in a login shell (${basename(shell.path)} -lc) this session, which is slower`
        : `shell snapshot unavailable (${why}); commands run in a plain ${basename(shell.path)} without your profile this session`,
    );
  };

  const capture = async (c: Capture): Promise<void> => {
    const nonce = `__tether_${randomBytes(8).toString('hex')}`;
    const started = Date.now();
    const r = await runCapture(
      shell.path,
      ['-lc', captureScript(shell.kind, nonce)],
      opts.env,
      opts.timeoutMs,
      (k) => {
        c.kill = k;
      },
    );
    c.kill = null;
    if (c.over) return;
    if (r.timedOut) return fallBack(c, `the login profile took longer than ${opts.timeoutMs} ms`);
    if (r.overflow)
      return fallBack(c, `the login profile printed more than ${CAPTURE_MAX_BYTES / (1024 * 1024)} MiB`);
    if (r.error) return fallBack(c, `cannot start ${shell.path}: ${r.error}`);
    if (!r.stdout.includes(`\n${nonce}:env\n`)) {
      // The capture script never ran: the profile exec'd another program or exited.
      return fallBack(
        c,
        `the login profile never returns (exit ${r.code ?? 'signal'}; an \`exec\` or \`exit\` in it?)`,
        'plain',
      );
    }
    const cap = parseCapture(r.stdout, nonce);
    if (!cap || r.code !== 0) {
      const detail = r.stderr.trim().split('\n').pop() ?? '';
      return fallBack(
        c,
        `the login profile failed (exit ${r.code ?? 'signal'}${detail ? `: ${detail.slice(0, 200)}` : ''})`,
      );
    }
    const rendered = renderSnapshot(shell.kind, cap, opts.env);
    // A secret the profile exports is kept out of commands; its value is also redacted from tool
    // output (a command can still read the profile: `grep PASS ~/.bashrc`).
    addSecretsFromEnv(rendered.secrets);
    c.functions = rendered.functions;
    c.aliases = rendered.aliases;
    try {
      mkdirs(opts.dir, 0o700);
      removeStaleSnapshots(opts.dir);
      const file = join(opts.dir, `${c.sessionId.replace(/[^A-Za-z0-9_-]/g, '_')}.${process.pid}.sh`);
      try {
        unlinkSync(file);
      } catch {
        /* fresh */
      }
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, rendered.text);
      } finally {
        closeSync(fd);
      }
      c.path = file;
      unhookExit ??= onProcessExit(() => {
        for (const x of live) removeFile(x);
      });
    } catch (err) {
      return fallBack(c, `cannot write the snapshot: ${(err as Error).message}`);
    }
    // A snapshot that does not source cleanly would print errors before every command.
    const check = await runCapture(
      shell.path,
      [...plainArgs, `${ALL_FUNCTIONS_FLAG}=1; . ${shQuote(c.path)}`],
      opts.env,
      Math.max(1000, opts.timeoutMs - (Date.now() - started)),
      (k) => {
        c.kill = k;
      },
    );
    c.kill = null;
    if (c.over) return removeFile(c);
    if (check.code !== 0 || check.stderr.trim() !== '') {
      const detail = check.stderr.trim().split('\n')[0] ?? '';
      return fallBack(c, `the snapshot does not source cleanly${detail ? `: ${detail.slice(0, 200)}` : ''}`);
    }
    c.state = 'ready';
  };

  const start = (): Capture => {
    if (current) return current;
    const c: Capture = {
      sessionId,
      state: 'pending',
      ready: Promise.resolve(),
      path: null,
      functions: null,
      aliases: new Map(),
      kill: null,
      over: false,
    };
    current = c;
    live.add(c);
    c.ready = capture(c).catch((err: unknown) => {
      if (!c.over) fallBack(c, String((err as Error)?.message ?? err));
    });
    return c;
  };

  return {
    start() {
      if (!disposed) start();
    },
    async invocation(command, o = {}) {
      if (disposed) return login(command);
      const c = start();
      await c.ready;
      if (!o.login && c.state === 'plain') return { file: shell.path, args: [...plainArgs, command] };
      if (o.login || c.state !== 'ready' || !c.path) return login(command);
      const source = `. ${shQuote(c.path)}`;
      let prefix = `${ALL_FUNCTIONS_FLAG}=1; ${source}; unset ${ALL_FUNCTIONS_FLAG}`;
      if (c.functions) {
        const fns = functionsFor(command, c.functions, c.aliases).map((n) => c.functions?.get(n) ?? '');
        const inline = fns.join('\n');
        if (inline.length <= INLINE_FUNCTIONS_MAX) prefix = inline ? `${source}\n${inline}` : source;
      }
      // zsh parses a whole -c string before running any of it, so aliases the snapshot defines
      // would not apply to the command: it runs through eval, parsed after the snapshot loaded.
      const body = shell.kind === 'zsh' ? `eval ${shQuote(command)}` : command;
      return { file: shell.path, args: [...plainArgs, `${prefix}\n${body}`], bind: c.path };
    },
    state: () => (current ? current.state : disposed ? 'off' : 'pending'),
    renew(next) {
      if (disposed) return;
      if (current) end(current);
      current = null;
      sessionId = next;
      start();
    },
    file: () => current?.path ?? null,
    dispose() {
      disposed = true;
      for (const c of [...live]) end(c);
      if (current?.state === 'pending') current.state = 'off';
      unhookExit?.();
      unhookExit = null;
    },
  };
}
