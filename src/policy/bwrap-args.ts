/**
 * bubblewrap arguments for one sandboxed command (RELIABILITY R16, issue 13 §5). Computed afresh
 * for every command, so paths created since the previous command are covered too.
 *
 * - No privileges, also when tether runs as root: a user namespace with the caller's ids, every
 *   capability dropped and (bwrap ≥ 0.8) no nested user namespace, so `mount`, `umount` and
 *   `mount -o remount,rw` of the read-only binds and masks fail. The probe (sandbox.ts) picks the
 *   strongest of these flag sets that works here ({@link HARDENING_PROFILES}).
 * - A fresh session, PID, IPC and UTS namespace (plus network unless allowed).
 * - The host read-only; `/proc/sys` and the other host-wide procfs knobs re-bound read-only (a
 *   root-owned sandbox may otherwise write sysctls: they check the uid, not capabilities).
 * - `/tmp` is tether's private directory (sandbox-tmp.ts); `/run` and `/var/run` are empty
 *   tmpfs; every other filesystem unix socket the kernel lists (/proc/net/unix) outside the
 *   writable roots is masked, so no host daemon (docker, tmux, ssh-agent, dbus) is reachable.
 * - The writable roots bound read-write; then every `.git` (nested ones included), `.gitmodules`,
 *   `.tether` and existing autorun file (`.envrc`, `.vscode/tasks.json`…) re-bound read-only,
 *   and dotenv files masked with an empty file (templates stay
 *   readable), including the targets of symlinks to them.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { PROC_HOST_KNOBS, readProcNetUnix } from '../platform/procfs.js';
import { sandboxTmpDir } from './sandbox-tmp.js';
import { autorunReason, isDotenvName } from './sensitive-paths.js';

/** Inputs for {@link bwrapArgs}. */
export interface BwrapOptions {
  /** Writable roots (absolute real paths); the first is the workspace. */
  writableRoots: string[];
  /** Working directory inside the sandbox (absolute). */
  cwd: string;
  /** Allow network access (otherwise a new, empty network namespace). */
  network: boolean;
  /** Privilege flags chosen by the probe; default: the strongest profile. */
  hardening?: readonly string[];
  /** Host directory bound at /tmp; default: tether's private one (null: an empty tmpfs). */
  tmpDir?: string | null;
}

/** Privilege-dropping flag sets, strongest first; the probe keeps the first one that runs. */
export function hardeningProfiles(uid = process.getuid?.() ?? 0, gid = process.getgid?.() ?? 0): string[][] {
  const userns = ['--unshare-user', '--uid', String(uid), '--gid', String(gid)];
  const profiles = [
    [...userns, '--disable-userns', '--cap-drop', 'ALL'],
    [...userns, '--cap-drop', 'ALL'],
  ];
  // Root in a container without user namespaces: still no capabilities (and no_new_privs).
  if (uid === 0) profiles.push(['--cap-drop', 'ALL']);
  return profiles;
}

/** Directories never descended into by the scan (dependencies and git internals). */
const PRUNE = new Set(['node_modules', '.git']);
/** Upper bound of directory entries the scan reads per writable root. */
export const SCAN_MAX_ENTRIES = 100_000;
/** Upper bound of masks and read-only re-binds per command. */
const MAX_PATHS = 2_000;
/** Upper bound of masked sockets per command. */
const MAX_SOCKETS = 500;

/**
 * Whether `name` is a dotenv file that must be masked (`.env`, `.env.*`, any letter case, but
 * not templates): the same predicate as the file tools' approval rule (sensitive-paths.ts).
 */
export { isDotenvName };

/** What one scan of a writable root found. */
export interface ScanResult {
  /** `.git` directories and files (submodules, worktrees) at any depth. */
  gitPaths: string[];
  /** Dotenv files, and the real targets of dotenv-named symlinks or of symlinks to dotenv files. */
  envFiles: string[];
  /** Existing files that run code on the user's next action (`.envrc`, `.vscode/tasks.json`…). */
  autorunFiles: string[];
  /** Whether the entry budget ran out before the scan finished. */
  truncated: boolean;
}

function realFile(p: string): string | null {
  try {
    const real = realpathSync(p);
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/**
 * Walks `root` (not following symlinked directories, skipping node_modules and git internals)
 * within {@link SCAN_MAX_ENTRIES} entries, collecting `.git` paths and dotenv files.
 */
export function scanRoot(root: string, maxEntries = SCAN_MAX_ENTRIES): ScanResult {
  const out: ScanResult = { gitPaths: [], envFiles: [], autorunFiles: [], truncated: false };
  let budget = maxEntries;
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    budget -= entries.length;
    if (budget < 0) {
      out.truncated = true;
      break;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.name === '.git') out.gitPaths.push(p);
      if (e.isDirectory()) {
        if (!PRUNE.has(e.name)) stack.push(p);
      } else if (e.isFile()) {
        if (isDotenvName(e.name)) out.envFiles.push(p);
        else if (autorunReason(p.slice(root.length))) out.autorunFiles.push(p);
      } else if (e.isSymbolicLink()) {
        // `.env -> secrets/prod.env`, or `config -> ../elsewhere/.env`: mask the real file.
        const real = realFile(p);
        if (real && (isDotenvName(e.name) || isDotenvName(basename(real)))) out.envFiles.push(real);
      }
    }
  }
  return out;
}

/** Path-bound unix sockets the kernel knows (`/proc/net/unix`); [] when unreadable. */
export function listUnixSockets(procNetUnix = '/proc/net/unix'): string[] {
  const text = readProcNetUnix(procNetUnix);
  const out = new Set<string>();
  for (const line of text.split('\n').slice(1)) {
    // Num RefCount Protocol Flags Type St Inode Path — the path is the rest (it may hold spaces).
    const path = /^\s*\S+(?:\s+\S+){6} (.+)$/.exec(line)?.[1];
    // Abstract sockets start with '@' and are isolated by the network namespace instead.
    if (path?.startsWith('/')) out.add(path);
  }
  return [...out];
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * The argv (without the command) for `bwrap … -- <command>`. Nothing is created in the
 * workspace: a `.tether`, `.git` or autorun file a command creates where none was is undone
 * after it by policy/autorun-guard.ts (bwrap could only protect it by creating it first).
 */
export function bwrapArgs(opts: BwrapOptions): string[] {
  const args = [...(opts.hardening ?? hardeningProfiles()[0] ?? [])];
  args.push('--new-session', '--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-uts');
  if (!opts.network) args.push('--unshare-net');
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc');
  for (const name of PROC_HOST_KNOBS) args.push('--ro-bind-try', `/proc/${name}`, `/proc/${name}`);

  // Host sockets: private /tmp, empty /run and /var/run, then any other listed socket masked.
  const tmp = opts.tmpDir === undefined ? sandboxTmpDir() : opts.tmpDir;
  if (tmp) args.push('--bind', tmp, '/tmp');
  else args.push('--tmpfs', '/tmp');
  args.push('--setenv', 'TMPDIR', '/tmp');
  const hidden = ['/tmp'];
  for (const d of ['/run', '/var/run']) {
    if (existsSync(d) && !isSymlink(d)) {
      args.push('--tmpfs', d);
      hidden.push(d);
    }
  }
  const roots = [...opts.writableRoots].sort((a, b) => a.length - b.length);
  let sockets = 0;
  for (const s of listUnixSockets()) {
    if (sockets >= MAX_SOCKETS) break;
    if (hidden.some((d) => under(s, d)) || roots.some((r) => under(s, r))) continue;
    if (!existsSync(s) || isSymlink(s)) continue;
    args.push('--ro-bind-try', '/dev/null', s);
    sockets++;
  }

  // Parents before children: shorter paths first.
  for (const root of roots) if (existsSync(root)) args.push('--bind', root, root);
  const protectedPaths = new Set<string>();
  const envFiles = new Set<string>();
  for (const root of roots) {
    for (const name of ['.git', '.gitmodules', '.tether']) {
      const p = join(root, name);
      try {
        lstatSync(p);
        protectedPaths.add(p);
      } catch {
        /* missing */
      }
    }
    const scan = scanRoot(root);
    for (const p of scan.gitPaths) protectedPaths.add(p);
    for (const p of scan.autorunFiles) protectedPaths.add(p);
    for (const p of scan.envFiles) envFiles.add(p);
  }
  let n = 0;
  for (const p of protectedPaths) if (n++ < MAX_PATHS) args.push('--ro-bind', p, p);
  for (const env of envFiles) if (n++ < MAX_PATHS) args.push('--ro-bind', '/dev/null', env);
  args.push('--chdir', opts.cwd);
  return args;
}

/** Back-compat name used by older callers and tests: dotenv files below `root`. */
export function findEnvFiles(root: string): string[] {
  return scanRoot(root).envFiles;
}
