/**
 * The capture half of the shell snapshot (shell-snapshot.ts): which shell commands run with, the
 * script a login shell runs once to print its exported variables, functions, aliases and options
 * between nonce marks, the parser of that output, and the runner that bounds it in time (the
 * capture's whole process group is killed at the limit). POSIX only: no /proc, no `env -0`, no
 * GNU-only flags, and bash 3.2 (macOS's /bin/bash) runs the bash script.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { markerEnv } from './run-marker.js';

/** Globbing options a snapshot carries when the profile turned them on. */
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

/** The script a login shell runs once: each section follows a line `<nonce>:<name>`. */
export function captureScript(kind: 'bash' | 'zsh', nonce: string): string {
  const mark = (name: string) => `printf '\\n%s\\n' '${nonce}:${name}'`;
  // A profile's `set -euo pipefail` would stop the script at its first non-zero status.
  const lenient = 'set +e +u; set +o pipefail 2>/dev/null';
  if (kind === 'zsh') {
    return [
      lenient,
      // A login zsh that runs a command reads .zshenv/.zprofile/.zlogin, not .zshrc, where most
      // zsh users (and nvm, pyenv, oh-my-zsh installers) put PATH, aliases and functions: Codex's
      // snapshot sources it too. Its chatter lands before the first mark and is ignored.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh parameter expansion, not JS
      '__trc="${ZDOTDIR:-$HOME}/.zshrc"; [[ -r $__trc ]] && . "$__trc"; unset __trc',
      lenient,
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
    lenient,
    mark('env'),
    `while IFS= read -r __tn; do printf '%s\\0%s\\0' "$__tn" "\${!__tn}"; done < <(compgen -e)`,
    mark('functions'),
    'declare -f',
    mark('aliases'),
    'alias -p',
    mark('options'),
    `shopt -p ${BASH_OPTIONS.join(' ')} 2>/dev/null | grep -e '-s' || :`,
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

/** Stdout a capture may print before it is stopped (a profile that prints without end). */
export const CAPTURE_MAX_BYTES = 16 * 1024 * 1024;
/** After the shell exits, how long its pipes may stay open (held by a job the profile started). */
const EXIT_GRACE_MS = 150;

/** What {@link runCapture} saw. */
export interface CaptureRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Stopped after {@link CAPTURE_MAX_BYTES} of stdout. */
  overflow?: boolean;
  error?: string;
}

/**
 * Runs a shell and collects stdout, killing its group after `timeoutMs` or past
 * {@link CAPTURE_MAX_BYTES}. It is done when the shell exits: a background job the profile
 * started (an agent, `cmd &`) may hold the pipes open, and is not waited for.
 */
export function runCapture(
  file: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
  track: (kill: () => void) => void,
): Promise<CaptureRun> {
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
    let size = 0;
    let err = '';
    let timedOut = false;
    let overflow = false;
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
      // Release pipes a background job of the profile may still hold.
      child.stdout?.destroy();
      child.stderr?.destroy();
      const r: CaptureRun = {
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: err.slice(0, 2000),
        timedOut,
      };
      if (overflow) r.overflow = true;
      resolve(error ? { ...r, error } : r);
    };
    child.stdout?.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > CAPTURE_MAX_BYTES) {
        overflow = true;
        kill();
        finish(null);
        return;
      }
      out.push(c);
    });
    child.stderr?.on('data', (c: Buffer) => {
      if (err.length < 4000) err += c.toString('utf8');
    });
    child.on('error', (e) => finish(null, e.message));
    child.on('exit', (code) => {
      // Output already in the pipe is read within the grace; a job holding it open is not awaited.
      setTimeout(() => finish(code), EXIT_GRACE_MS).unref();
    });
    child.on('close', (code) => finish(code));
  });
}
