/**
 * bubblewrap arguments for one sandboxed command (RELIABILITY R16): a fresh session, PID, IPC
 * and UTS namespace (plus network unless allowed), the host read-only, a private /tmp, the
 * writable roots bound read-write, then `.git`, `.gitmodules` and `.tether` re-bound read-only (after the
 * writable binds, so they win) and `.env*` files masked with an empty file.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Inputs for {@link bwrapArgs}. */
export interface BwrapOptions {
  /** Writable roots (absolute real paths); the first is the workspace. */
  writableRoots: string[];
  /** Working directory inside the sandbox (absolute). */
  cwd: string;
  /** Allow network access (otherwise a new, empty network namespace). */
  network: boolean;
}

const PRUNE = new Set(['.git', 'node_modules', '.venv', 'dist', 'build']);
const MAX_ENV_DEPTH = 3;
const MAX_ENV_FILES = 200;

/** `.env` and `.env.*` regular files up to depth 3 (gemini's secret-file scan). */
export function findEnvFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_ENV_DEPTH || out.length >= MAX_ENV_FILES) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!PRUNE.has(e.name)) walk(p, depth + 1);
      } else if (e.isFile() && (e.name === '.env' || e.name.startsWith('.env.'))) out.push(p);
    }
  };
  walk(root, 0);
  return out;
}

/**
 * The argv (without the command) for `bwrap … -- <command>`. Creates `<workspace>/.tether` when
 * missing, so the read-only bind can always be applied: otherwise a sandboxed command could
 * create `.tether/approvals.json` and grant itself approvals.
 */
export function bwrapArgs(opts: BwrapOptions): string[] {
  const args = ['--new-session', '--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-uts'];
  if (!opts.network) args.push('--unshare-net');
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp');
  // Parents before children: shorter paths first.
  const roots = [...opts.writableRoots].sort((a, b) => a.length - b.length);
  for (const root of roots) if (existsSync(root)) args.push('--bind', root, root);
  const protectedPaths: string[] = [];
  for (const root of roots) {
    const tether = join(root, '.tether');
    if (root === opts.writableRoots[0] && !existsSync(tether)) {
      try {
        mkdirSync(tether, { recursive: true, mode: 0o755 });
      } catch {
        /* bound below only if it exists */
      }
    }
    for (const name of ['.git', '.gitmodules', '.tether']) {
      const p = join(root, name);
      try {
        lstatSync(p);
        protectedPaths.push(p);
      } catch {
        /* missing */
      }
    }
  }
  for (const p of protectedPaths) args.push('--ro-bind', p, p);
  for (const root of roots) for (const env of findEnvFiles(root)) args.push('--ro-bind', '/dev/null', env);
  args.push('--chdir', opts.cwd);
  return args;
}
