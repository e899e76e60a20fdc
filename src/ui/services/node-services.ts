/** The real {@link UiServices}: child processes, the history file, OSC 52. */

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describeTrust, type ProjectTrust } from '../../config/trust.js';
import { type PidNamespace, wrapInPidNamespace } from '../../platform/pid-namespace.js';
import { formatRule, loadAllowRules } from '../../policy/allow-rules.js';
import { loginShellLauncher, markerEnv, type ShellLauncher, sanitizeEnv } from '../../tools/index.js';
import { dataDir } from '../../util/paths.js';
import { readGitConfigList, safeGit } from '../../util/safe-git.js';
import type { ShellRun, UiServices } from './types.js';

/** Max characters of `!cmd` / `git diff` output kept (the tail wins for shell, the head for diffs). */
export const OUTPUT_CAP_CHARS = 64_000;

/** Options of {@link createNodeServices}. */
import { attachImages } from '../../util/attachments.js';
import { mkdirs } from '../../util/mkdirs.js';

/** Default image cap when the caller does not pass `imageMaxBytes`. */
const DEFAULT_IMAGE_MAX_BYTES = 10 * 1024 * 1024;

export interface NodeServicesOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where OSC 52 is written (the terminal). */
  stdout: NodeJS.WritableStream;
  /** Largest image a prompt may attach (bytes; the `imageMaxBytes` setting). */
  imageMaxBytes?: number;
  /** The PID namespace `!cmd` runs in, as the tools' unsandboxed commands (none: run plainly). */
  pidNamespace?: PidNamespace | undefined;
  /** The project's trust as this session resolved it (`/status`). */
  trust?: Pick<ProjectTrust, 'trusted' | 'source'>;
  /**
   * The session's shell engine (its snapshot): `!cmd` runs through it like the model's commands.
   * Default: a login shell per command.
   */
  shell?: ShellLauncher;
}

/** Path of a project's history file under `dataDir()/history/`. */
export function historyPath(cwd: string, env: NodeJS.ProcessEnv): string {
  const key = createHash('sha256').update(cwd).digest('hex').slice(0, 16);
  return join(dataDir(env), 'history', `${key}.jsonl`);
}

/** Parses a history file: one JSON string per line; garbled lines are skipped. */
export function parseHistory(text: string, limit = 500): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v === 'string') out.push(v);
    } catch {
      /* torn line */
    }
  }
  return out.slice(-limit);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function run(
  cmd: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal | undefined,
  live: Set<ChildProcess>,
  keep: 'head' | 'tail',
): Promise<ShellRun> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...env, ...markerEnv(env) },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString('utf8');
      if (out.length > OUTPUT_CAP_CHARS * 2)
        out = keep === 'tail' ? out.slice(-OUTPUT_CAP_CHARS) : out.slice(0, OUTPUT_CAP_CHARS * 2);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const onAbort = () => {
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), 2000).unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (exitCode: number | null) => {
      live.delete(child);
      signal?.removeEventListener('abort', onAbort);
      const capped = keep === 'tail' ? out.slice(-OUTPUT_CAP_CHARS) : out.slice(0, OUTPUT_CAP_CHARS);
      resolve({ output: capped, exitCode });
    };
    child.on('error', (err) => {
      out += String(err.message);
      done(127);
    });
    child.on('close', (code) => done(code));
  });
}

function walk(root: string, limit: number): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length && out.length < limit) {
    const dir = stack.pop() as string;
    let names: import('node:fs').Dirent[];
    try {
      names = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const d of names) {
      if (d.name === '.git' || d.name === 'node_modules' || d.name === 'dist') continue;
      const p = join(dir, d.name);
      if (d.isDirectory()) stack.push(p);
      else out.push(relative(root, p));
    }
  }
  return out;
}

/** Creates the Node services for the workspace `cwd`. */
export function createNodeServices(opts: NodeServicesOptions): UiServices {
  const live = new Set<ChildProcess>();
  const histFile = historyPath(opts.cwd, opts.env);
  /** One hardened git call (util/safe-git.ts); rejects when the repo's config cannot be read. */
  const git = async (args: string[]): Promise<ShellRun> => {
    const g = safeGit(args, opts.env, await readGitConfigList(opts.cwd, opts.env));
    return run('git', g.args, opts.cwd, g.env, undefined, live, 'head');
  };
  return {
    attachImages: (text) =>
      attachImages(text, { cwd: opts.cwd, maxBytes: opts.imageMaxBytes ?? DEFAULT_IMAGE_MAX_BYTES }),
    async runShell(command, signal) {
      // A command the user typed: the session's shell engine (snapshot, or a login shell when it
      // is off or failed) and the model's environment policy (secret-looking variables removed),
      // but no sandbox and no approval. Its own process group, ended by Esc/Ctrl+C and at exit.
      const shell = opts.shell ?? loginShellLauncher(opts.env);
      // Esc while a slow profile is still being captured: the command never starts, and the
      // prompt comes back at once (the capture goes on for the session's later commands).
      const aborted = new Promise<null>((resolve) => {
        if (signal.aborted) resolve(null);
        signal.addEventListener('abort', () => resolve(null), { once: true });
      });
      const inv = await Promise.race([shell.invocation(command), aborted]);
      if (inv === null || signal.aborted) return { output: 'interrupted before it started', exitCode: null };
      const env = { ...sanitizeEnv(opts.env), PAGER: 'cat', GIT_PAGER: 'cat' };
      // The same PID namespace as the tools' unsandboxed commands, when there is one.
      const w = wrapInPidNamespace(opts.pidNamespace, inv.file, inv.args, env, opts.cwd);
      return run(w.file, w.args, opts.cwd, env, signal, live, 'tail');
    },
    async gitDiff() {
      // Outside a repository `git diff` falls back to --no-index and prints its usage.
      const inside = await git(['rev-parse', '--is-inside-work-tree']);
      if (inside.exitCode !== 0 || inside.output.trim() !== 'true')
        throw new Error(`not a git repository: ${opts.cwd}`);
      // The repository's filters, fsmonitor, external diff and textconv drivers never run
      // (util/safe-git.ts); submodules are not descended into.
      const r = await git([
        'diff',
        '--no-ext-diff',
        '--no-textconv',
        '--no-color',
        '--ignore-submodules=all',
      ]);
      if (r.exitCode !== 0) throw new Error(r.output.trim().split('\n')[0] || `exit ${r.exitCode}`);
      return r.output;
    },
    copy(text) {
      const osc = `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
      // Inside tmux the sequence must be wrapped in a DCS passthrough to reach the outer terminal.
      opts.stdout.write(opts.env['TMUX'] ? `\x1bPtmux;${osc.replace(/\x1b/g, '\x1b\x1b')}\x1b\\` : osc);
    },
    async listFiles() {
      const r = await git(['ls-files', '--cached', '--others', '--exclude-standard']).catch(() => null);
      if (r === null) return walk(opts.cwd, 5000);
      if (r.exitCode === 0 && r.output.trim()) return r.output.split('\n').filter(Boolean).slice(0, 20_000);
      return walk(opts.cwd, 5000);
    },
    async loadHistory() {
      try {
        return parseHistory(await readFile(histFile, 'utf8'));
      } catch {
        return [];
      }
    },
    appendHistory(entry) {
      try {
        mkdirs(join(histFile, '..'), 0o700);
        appendFileSync(histFile, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      } catch {
        /* history is best effort */
      }
    },
    bell() {
      opts.stdout.write('\x07');
    },
    dispose() {
      for (const child of live) killGroup(child, 'SIGKILL');
      live.clear();
    },
    mcpStatus: () => [],
    processes: () => [],
    endProcess: () => false,
    watchProcesses: () => () => undefined,
    allowRules: () => loadAllowRules(opts.cwd, opts.env).prefixes.map(formatRule),
    projectTrust: () => (opts.trust ? describeTrust(opts.trust) : 'unknown'),
  };
}
