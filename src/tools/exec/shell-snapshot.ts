/**
 * Shell snapshot (Codex and Claude Code do the same): the user's login shell runs once per
 * session to capture what its profile sets up — exported variables, and for bash/zsh functions,
 * aliases and a few safe options — into a file (0600, in the data dir). Every command then runs
 * in a plain `-c` shell that sources that file, instead of paying for the login profile (pyenv,
 * nvm, conda: 100–800 ms) on every command. Secrets are filtered from the captured variables with
 * the same rule as tether's own environment. A capture that fails or exceeds its limit falls back
 * to a login shell for the session, with one notice.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { onProcessExit } from '../../util/exit-hooks.js';
import { mkdirs } from '../../util/mkdirs.js';
import { SECRET_NAME_RE } from '../../util/redact.js';
import { isSecretVar } from './env.js';
import { markerEnv, RUN_ID_VAR } from './run-marker.js';

/** How to start one command. */
export interface ShellInvocation {
  file: string;
  args: string[];
  /** A file the command needs to read: bound read-only into a sandbox at the same path. */
  bind?: string;
}

/** Where the launcher stands. */
export type SnapshotState = 'pending' | 'ready' | 'login' | 'off';

/** Turns a command into a shell invocation (login shell or snapshot-sourcing shell). */
export interface ShellLauncher {
  /** Starts the capture in the background (idempotent; no-op when off). */
  start(): void;
  /** The invocation for `command`; `login` forces a login shell. Waits for a pending capture. */
  invocation(command: string, opts?: { login?: boolean }): Promise<ShellInvocation>;
  state(): SnapshotState;
  /** Removes the snapshot file and stops a running capture. */
  dispose(): void;
}

/** Variables never carried by a snapshot: per-process state, or set by tether per command. */
const SKIP_VARS = new Set([
  'PWD',
  'OLDPWD',
  'SHLVL',
  '_',
  'PAGER',
  'GIT_PAGER',
  'TERM',
  'COLUMNS',
  'LINES',
  RUN_ID_VAR,
]);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BASH_OPTIONS = ['extglob', 'globstar', 'dotglob', 'nocaseglob'];
const ZSH_OPTIONS = ['extendedglob', 'globdots', 'interactivecomments', 'nocaseglob'];

/** The shell commands run with: `$SHELL` when it is bash or zsh, else bash. */
export function pickShell(env: NodeJS.ProcessEnv): { path: string; kind: 'bash' | 'zsh' } {
  const sh = env['SHELL'];
  if (sh?.startsWith('/') && existsSync(sh)) {
    const name = basename(sh);
    if (name === 'bash' || name === 'zsh') return { path: sh, kind: name };
  }
  return { path: existsSync('/bin/bash') ? '/bin/bash' : 'bash', kind: 'bash' };
}

/** Single-quotes `s` for bash and zsh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function captureScript(kind: 'bash' | 'zsh', nonce: string): string {
  const mark = (name: string) => `printf '\\n%s\\n' '${nonce}:${name}'`;
  if (kind === 'zsh') {
    return [
      mark('env'),
      `for __tn in \${(k)parameters[(R)*export*]}; do printf '%s\\0%s\\0' "$__tn" "\${(P)__tn}"; done`,
      mark('functions'),
      'typeset -f',
      mark('aliases'),
      'alias -L',
      mark('options'),
      `for __to in ${ZSH_OPTIONS.join(' ')}; do [[ -o $__to ]] && print -r -- "setopt $__to"; done`,
      mark('end'),
    ].join('\n');
  }
  return [
    mark('env'),
    `while IFS= read -r __tn; do printf '%s\\0%s\\0' "$__tn" "\${!__tn}"; done < <(compgen -e)`,
    mark('functions'),
    'declare -f',
    mark('aliases'),
    'alias -p',
    mark('options'),
    `shopt -p ${BASH_OPTIONS.join(' ')} 2>/dev/null | grep -e '-s'`,
    mark('end'),
  ].join('\n');
}

/** The parsed output of a capture run. */
export interface CapturedShell {
  vars: Map<string, string>;
  functions: string;
  aliases: string;
  options: string;
}

/** Splits a capture run's stdout into its sections (profile chatter before the first mark is ignored). */
export function parseCapture(stdout: string, nonce: string): CapturedShell | null {
  const sections = new Map<string, string>();
  const re = new RegExp(`\\n${nonce}:([a-z]+)\\n`, 'g');
  const marks = [...stdout.matchAll(re)];
  for (let i = 0; i < marks.length; i++) {
    const m = marks[i] as RegExpMatchArray;
    const next = marks[i + 1];
    sections.set(m[1] as string, stdout.slice((m.index ?? 0) + m[0].length, next ? next.index : undefined));
  }
  if (!sections.has('end') || !sections.has('env')) return null;
  const vars = new Map<string, string>();
  const parts = (sections.get('env') ?? '').split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) vars.set(parts[i] as string, parts[i + 1] as string);
  return {
    vars,
    functions: sections.get('functions') ?? '',
    aliases: sections.get('aliases') ?? '',
    options: sections.get('options') ?? '',
  };
}

/** Set (not exported) to make sourcing the snapshot define every function too. */
const ALL_FUNCTIONS_FLAG = '__tether_all_functions';
/** Functions inlined per command up to this size; past it the whole file is sourced. */
const INLINE_FUNCTIONS_MAX = 64 * 1024;
/** Called by the shell itself, never named in a command. */
const ALWAYS_FUNCTIONS = new Set(['command_not_found_handle', 'command_not_found_handler']);

/**
 * Splits `declare -f` (bash) / `typeset -f` (zsh) output into one definition per function; null
 * when the text does not have the expected shape (then every function is always defined).
 */
export function splitFunctions(text: string): Map<string, string> | null {
  const out = new Map<string, string>();
  const trimmed = text.trim();
  if (trimmed === '') return out;
  const starts = [...trimmed.matchAll(/^(\S+) \(\) ?(?:\{ ?)?$/gm)];
  if (starts.length === 0 || starts[0]?.index !== 0) return null;
  for (let i = 0; i < starts.length; i++) {
    const m = starts[i] as RegExpMatchArray;
    const end = starts[i + 1]?.index ?? trimmed.length;
    const body = trimmed.slice(m.index ?? 0, end).trimEnd();
    if (!body.endsWith('}')) return null;
    out.set(m[1] as string, body);
  }
  return out;
}

const WORD_RE = /[A-Za-z0-9_:.+@%-]+/g;

/**
 * The functions a command can reach: those named in it (directly or through an alias it names),
 * and, transitively, those named in their bodies. Sourcing only these keeps a profile with
 * hundreds of functions (nvm, oh-my-zsh) from costing parse time on every command.
 */
export function functionsFor(
  command: string,
  functions: ReadonlyMap<string, string>,
  aliases: ReadonlyMap<string, string>,
): string[] {
  const words = new Set(command.match(WORD_RE) ?? []);
  for (const w of [...words]) {
    const a = aliases.get(w);
    if (a) for (const x of a.match(WORD_RE) ?? []) words.add(x);
  }
  const picked: string[] = [];
  const seen = new Set<string>();
  const queue = [...words, ...ALWAYS_FUNCTIONS];
  while (queue.length > 0) {
    const w = queue.pop() as string;
    if (seen.has(w)) continue;
    seen.add(w);
    const body = functions.get(w);
    if (body === undefined) continue;
    picked.push(w);
    for (const x of body.match(WORD_RE) ?? []) if (!seen.has(x) && functions.has(x)) queue.push(x);
  }
  return picked;
}

/** Alias name → value, from `alias -p` (bash) / `alias -L` (zsh) lines. */
export function parseAliases(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^alias (?:-- )?([^=\s]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1] as string, m[2] as string);
  }
  return out;
}

/**
 * The snapshot file's text: the variables the profile added or changed relative to `base` (minus
 * secrets and per-process ones), aliases and options; then, after a guard that stops a plain
 * `.` there, every function (commands get the functions they name inlined instead).
 */
export function renderSnapshot(
  kind: 'bash' | 'zsh',
  cap: CapturedShell,
  base: Record<string, string>,
): { text: string; filtered: string[]; functions: Map<string, string> | null; aliases: Map<string, string> } {
  const lines = [`# tether shell snapshot (${kind}); sourced before each command. Do not edit.`];
  const filtered: string[] = [];
  for (const [name, value] of cap.vars) {
    if (!NAME_RE.test(name) || SKIP_VARS.has(name) || name.startsWith('__t')) continue;
    if (base[name] === value) continue;
    if (isSecretVar(name, value)) {
      filtered.push(name);
      continue;
    }
    lines.push(`export ${name}=${shQuote(value)}`);
  }
  if (kind === 'bash') lines.push('shopt -s expand_aliases');
  lines.push(cap.aliases.trim(), cap.options.trim());
  const functions = splitFunctions(cap.functions);
  if (functions) lines.push(`[ -n "\${${ALL_FUNCTIONS_FLAG}-}" ] || return 0`);
  lines.push(cap.functions.trim());
  return {
    text: `${lines.filter((l) => l !== '').join('\n')}\n`,
    filtered,
    functions,
    aliases: parseAliases(cap.aliases),
  };
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

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes snapshot files left by processes that are gone (a crash or SIGKILL skips cleanup). */
export function removeStaleSnapshots(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /\.(\d+)\.sh$/.exec(n);
    if (m && !pidAlive(Number(m[1]))) {
      try {
        unlinkSync(join(dir, n));
      } catch {
        /* raced with another tether */
      }
    }
  }
}

/** Runs a shell and collects stdout, killing its group after `timeoutMs`. */
function runCapture(
  file: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
  track: (kill: () => void) => void,
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean; error?: string }> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, args, {
        env: { ...env, ...markerEnv(env) },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: env['HOME'],
      });
    } catch (err) {
      resolve({ code: null, stdout: '', stderr: '', timedOut: false, error: (err as Error).message });
      return;
    }
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    let done = false;
    const kill = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    track(kill);
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
      finish(null);
    }, timeoutMs);
    timer.unref();
    const finish = (code: number | null, error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const r = { code, stdout: Buffer.concat(out).toString('utf8'), stderr: err.slice(0, 2000), timedOut };
      resolve(error ? { ...r, error } : r);
    };
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => {
      if (err.length < 4000) err += c.toString('utf8');
    });
    child.on('error', (e) => finish(null, e.message));
    child.on('close', (code) => finish(code));
  });
}

/** Words of {@link SECRET_NAME_RE} as a shell case pattern. */
const SECRET_WORDS = SECRET_NAME_RE.source.split('|');

/**
 * Prefix for login-shell commands: unsets exported variables whose name looks secret (the same
 * name rule as tether's environment), so a profile's `export OPENAI_API_KEY=…` does not reach the
 * command. Value patterns cannot be checked portably in the shell; the snapshot path checks both.
 */
export function loginScrub(kind: 'bash' | 'zsh'): string {
  const keep = 'PATH|HOME|LANG|SHELL|TMPDIR|USER|LOGNAME|TERM|COLORTERM|PWD|TZ';
  if (kind === 'zsh') {
    const pat = `*(${SECRET_WORDS.join('|')})*`;
    return `for __tn in \${(k)parameters[(R)*export*]}; do [[ \${(U)__tn} != (${keep}) && \${(U)__tn} == ${pat} ]] && unset $__tn; done; unset __tn\n`;
  }
  const pat = SECRET_WORDS.map((w) => `*${w}*`).join('|');
  return `shopt -s nocasematch; while IFS= read -r __tn; do case "$__tn" in ${keep}) ;; ${pat}) unset "$__tn";; esac; done < <(compgen -e); shopt -u nocasematch; unset __tn\n`;
}

/** A launcher that always uses a login shell (snapshot off, and the default for tests). */
export function loginShellLauncher(env: NodeJS.ProcessEnv = process.env): ShellLauncher {
  const shell = pickShell(env);
  return {
    start() {},
    invocation: async (command) => ({ file: shell.path, args: ['-lc', loginScrub(shell.kind) + command] }),
    state: () => 'off',
    dispose() {},
  };
}

/** Creates the session's launcher; call `start()` early (it runs alongside the socket warm-up). */
export function createShellLauncher(opts: ShellLauncherOptions): ShellLauncher {
  const shell = opts.shell ?? pickShell(opts.env);
  const login = (command: string): ShellInvocation => ({
    file: shell.path,
    args: ['-lc', loginScrub(shell.kind) + command],
  });
  if (!opts.enabled) {
    return {
      start() {},
      invocation: async (command) => login(command),
      state: () => 'off',
      dispose() {},
    };
  }
  let state: SnapshotState = 'pending';
  let ready: Promise<void> | null = null;
  let path: string | null = null;
  let killCapture: (() => void) | null = null;
  let disposed = false;
  let functions: Map<string, string> | null = null;
  let aliases = new Map<string, string>();
  let unhookExit: (() => void) | null = null;

  const remove = () => {
    killCapture?.();
    if (path) {
      try {
        unlinkSync(path);
      } catch {
        /* already gone */
      }
    }
    path = null;
  };

  const fallBack = (why: string) => {
    state = 'login';
    remove();
    opts.onNotice?.(
      `shell snapshot unavailable (${why}); commands run in a login shell (${basename(shell.path)} -lc) this session, which is slower`,
    );
  };

  const capture = async (): Promise<void> => {
    const nonce = `__tether_${randomBytes(8).toString('hex')}`;
    const started = Date.now();
    const r = await runCapture(
      shell.path,
      ['-lc', captureScript(shell.kind, nonce)],
      opts.env,
      opts.timeoutMs,
      (k) => {
        killCapture = k;
      },
    );
    killCapture = null;
    if (disposed) return;
    if (r.timedOut) return fallBack(`the login profile took longer than ${opts.timeoutMs} ms`);
    if (r.error) return fallBack(`cannot start ${shell.path}: ${r.error}`);
    const cap = parseCapture(r.stdout, nonce);
    if (!cap || r.code !== 0) {
      const detail = r.stderr.trim().split('\n').pop() ?? '';
      return fallBack(
        `the login profile failed (exit ${r.code ?? 'signal'}${detail ? `: ${detail.slice(0, 200)}` : ''})`,
      );
    }
    const rendered = renderSnapshot(shell.kind, cap, opts.env);
    const { text } = rendered;
    functions = rendered.functions;
    aliases = rendered.aliases;
    try {
      mkdirs(opts.dir, 0o700);
      removeStaleSnapshots(opts.dir);
      const file = join(opts.dir, `${opts.sessionId.replace(/[^A-Za-z0-9_-]/g, '_')}.${process.pid}.sh`);
      try {
        unlinkSync(file);
      } catch {
        /* fresh */
      }
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      path = file;
      unhookExit ??= onProcessExit(remove);
    } catch (err) {
      return fallBack(`cannot write the snapshot: ${(err as Error).message}`);
    }
    // A snapshot that does not source cleanly would print errors before every command.
    const check = await runCapture(
      shell.path,
      ['-c', `${ALL_FUNCTIONS_FLAG}=1; . ${shQuote(path)}`],
      opts.env,
      Math.max(1000, opts.timeoutMs - (Date.now() - started)),
      () => undefined,
    );
    if (disposed) return;
    if (check.code !== 0 || check.stderr.trim() !== '') {
      const detail = check.stderr.trim().split('\n')[0] ?? '';
      return fallBack(`the snapshot does not source cleanly${detail ? `: ${detail.slice(0, 200)}` : ''}`);
    }
    state = 'ready';
  };

  const start = () => {
    ready ??= capture().catch((err: unknown) => fallBack(String((err as Error)?.message ?? err)));
  };

  return {
    start,
    async invocation(command, o = {}) {
      start();
      await ready;
      if (o.login || state !== 'ready' || !path) return login(command);
      const source = `. ${shQuote(path)}`;
      let prefix = `${ALL_FUNCTIONS_FLAG}=1; ${source}; unset ${ALL_FUNCTIONS_FLAG}`;
      if (functions) {
        const fns = functionsFor(command, functions, aliases).map((n) => functions?.get(n) ?? '');
        const inline = fns.join('\n');
        if (inline.length <= INLINE_FUNCTIONS_MAX) prefix = inline ? `${source}\n${inline}` : source;
      }
      return { file: shell.path, args: ['-c', `${prefix}\n${command}`], bind: path };
    },
    state: () => state,
    dispose() {
      disposed = true;
      remove();
      unhookExit?.();
      unhookExit = null;
      if (state === 'pending') state = 'off';
    },
  };
}
