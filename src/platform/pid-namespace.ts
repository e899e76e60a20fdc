/**
 * A PID namespace around every unsandboxed tool command (issue 13 §8), so nothing a command
 * starts outlives tether: not a child that detaches (`setsid`, a double fork, `nohup … &`) after
 * clearing its environment (`env -i`, `unset TETHER_RUN_ID`), and not when tether itself is
 * SIGKILLed. bubblewrap runs the command with the host file system bound read-write as it is
 * (`--dev-bind / /`), a fresh `/proc` for the new namespace and `--die-with-parent`; nothing else
 * is isolated (network, IPC, host name, cgroups stay the host's). bwrap's init is pid 1 and the
 * command pid 2: when the command exits, or bwrap or tether dies, the kernel kills every process
 * left in the namespace.
 *
 * Signals: the outer bwrap process shares the command's process group, so it is started with
 * INT, TERM, HUP and QUIT ignored (`env --ignore-signal`) and the command gets every signal back
 * at its default (`env --default-signal`, as Node's own spawn does). A group SIGTERM therefore
 * reaches the command alone, which may shut down gracefully; Ctrl-C on a tty reaches it as
 * before; SIGKILL ends all of it.
 *
 * What changes for a command (README security model): `ps` and `/proc` show only this command's
 * processes; processes it leaves running in the background end when it exits (use exec_command
 * for servers); a command killed by a signal reports exit code 128+N; bwrap sets no_new_privs; and
 * for a non-root tether the namespace needs a user namespace (same uid and gid), in which setuid
 * programs such as sudo cannot raise privileges and other users' files show as `nobody`.
 *
 * Linux with bubblewrap and GNU env ≥ 8.31 only; elsewhere {@link probePidNamespace} says why and
 * callers fall back to the run-marker sweep (tools/exec/run-marker.ts), with one notice.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isLinux, platformName } from './host.js';

/** How to wrap a command in a PID namespace (absolute binaries, resolved once). */
export interface PidNamespace {
  bwrap: string;
  env: string;
  /** `--unshare-user --uid U --gid G` for a non-root tether; [] for root. */
  userns: string[];
}

/** The probe's outcome: a namespace, or why there is none. */
export type PidNamespaceProbe = { ok: true; ns: PidNamespace } | { ok: false; reason: string };

/** Signals the outer bwrap ignores so they reach only the command. */
const IGNORED = 'INT,TERM,HUP,QUIT';

/** System directories searched before `PATH` (a repository's own `bin/` must never be run). */
const SYSTEM_DIRS = [
  '/usr/bin',
  '/bin',
  '/usr/local/bin',
  '/usr/sbin',
  '/sbin',
  '/run/current-system/sw/bin',
];

/**
 * An executable named `name`: in a system directory, else on `PATH` — absolute entries only, and
 * none inside the current directory (a workspace's `bin/` or `node_modules/.bin`). Null if none.
 */
export function findExecutable(
  name: string,
  path = process.env['PATH'] ?? '',
  cwd = process.cwd(),
): string | null {
  const inCwd = (d: string) => d === cwd || d.startsWith(`${cwd}/`);
  const dirs = [...SYSTEM_DIRS, ...path.split(delimiter).filter((d) => d.startsWith('/') && !inCwd(d))];
  for (const dir of dirs) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/**
 * The argv that runs `file args` in a fresh PID namespace. Pure. bwrap sets `PWD` to its working
 * directory; the inner env restores the caller's value (`pwd`: the child's `PWD`, or undefined to
 * unset it), so the command's environment is exactly the one it was given.
 */
export function pidNamespaceArgv(
  ns: PidNamespace,
  file: string,
  args: readonly string[],
  pwd?: string,
): string[] {
  return [
    `--ignore-signal=${IGNORED}`,
    ns.bwrap,
    ...ns.userns,
    '--dev-bind',
    '/',
    '/',
    '--proc',
    '/proc',
    '--unshare-pid',
    '--die-with-parent',
    '--',
    ns.env,
    '--default-signal',
    ...(pwd === undefined ? ['-u', 'PWD'] : [`PWD=${pwd}`]),
    file,
    ...args,
  ];
}

/** `{file, args}` for spawning `file args` with `env` inside `ns` (unchanged when `ns` is null). */
export function wrapInPidNamespace(
  ns: PidNamespace | null | undefined,
  file: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd?: string,
): { file: string; args: string[] } {
  // env would take a command name with `=` for an assignment: never wrap one (none is used).
  if (!ns || file.includes('=')) return { file, args: [...args] };
  // PWD is the command's own directory (as a shell sets it), never tether's launching shell's.
  return { file: ns.env, args: pidNamespaceArgv(ns, file, args, cwd ?? env['PWD']) };
}

/** The user-namespace flags for the current user (none for root). */
export function usernsFlags(uid = process.getuid?.() ?? 0, gid = process.getgid?.() ?? 0): string[] {
  return uid === 0 ? [] : ['--unshare-user', '--uid', String(uid), '--gid', String(gid)];
}

function run(file: string, args: string[], timeoutMs: number): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    let err = '';
    let done = false;
    const finish = (r: { code: number | null; err: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ code: null, err: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    child.stderr?.on('data', (d: Buffer) => {
      if (err.length < 2048) err += d.toString('utf8');
    });
    child.on('error', (e) => finish({ code: null, err: e.message }));
    child.on('exit', (code) => finish({ code, err }));
  });
}

/** Probes once, uncached (see {@link probePidNamespace}). */
export async function probePidNamespaceUncached(timeoutMs = 3_000): Promise<PidNamespaceProbe> {
  if (!isLinux()) return { ok: false, reason: `${platformName()} has no PID namespaces` };
  const bwrap = findExecutable('bwrap');
  if (!bwrap) return { ok: false, reason: 'bubblewrap (bwrap) is not installed' };
  const env = findExecutable('env');
  if (!env) return { ok: false, reason: 'env is not on PATH' };
  const ns: PidNamespace = { bwrap, env, userns: usernsFlags() };
  // `true` must run as pid 2 of a new namespace, through both env options (GNU coreutils ≥ 8.31).
  const r = await run(env, pidNamespaceArgv(ns, 'sh', ['-c', '[ "$$" = 2 ]'], undefined), timeoutMs);
  if (r.code === 0) return { ok: true, ns };
  const first = r.err.split('\n').find((l) => l.trim()) ?? `exit ${r.code}`;
  if (/ignore-signal|default-signal|unrecognized option/.test(first))
    return { ok: false, reason: 'env does not support --ignore-signal (GNU coreutils ≥ 8.31 needed)' };
  return { ok: false, reason: `bwrap cannot create a PID namespace here: ${first.trim()}` };
}

let cached: Promise<PidNamespaceProbe> | undefined;

/** Probes at most once per process. */
export function probePidNamespace(): Promise<PidNamespaceProbe> {
  cached ??= probePidNamespaceUncached();
  return cached;
}
