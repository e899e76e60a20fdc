/**
 * Snapshots of the files that run code on the user's next action (issue 13 §7), for
 * autorun-guard.ts: every path below the writable roots that {@link guardReason} names, with
 * enough of it (bytes, link target, mode) to put it back. Synchronous (it also runs in an
 * `'exit'` handler) and bounded like the sandbox's scan: node_modules is skipped, inside `.git`
 * only hooks and config files are read (objects, refs, logs skipped), breadth first, at most
 * {@link SCAN_MAX_ENTRIES} entries per root.
 */
import { createHash } from 'node:crypto';
import { type Dirent, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { autorunReason, foldName } from './sensitive-paths.js';

/** Upper bound of directory entries read per root. */
export const SCAN_MAX_ENTRIES = 100_000;
/** Files larger than this are fingerprinted but not kept (they cannot be restored, only removed). */
export const KEEP_MAX_BYTES = 4 * 1024 * 1024;

/** One guarded path as it was. */
export interface GuardedEntry {
  kind: 'file' | 'symlink' | 'other';
  /** sha256 of the bytes (file) or of the link target (symlink). */
  hash: string;
  mode: number;
  /** The bytes, for restoring (files up to {@link KEEP_MAX_BYTES}). */
  content?: Buffer;
  /** The link target (symlinks). */
  link?: string;
  /** For `.git/config`: the settings in it that make git run a program. */
  gitRuns?: string[];
}

/** What one scan saw. Paths are absolute. */
export interface Snapshot {
  entries: Map<string, GuardedEntry>;
  /** Every directory seen (to remove only the directories a command created). */
  dirs: Set<string>;
  truncated: boolean;
}

/** Directory names whose replacement by a symlink would bring in files that run code. */
const GUARDED_DIRS = new Set([
  '.vscode',
  '.cargo',
  '.claude',
  '.husky',
  '.githooks',
  '.devcontainer',
  '.idea',
  '.github',
  '.tether',
  '.git',
]);

/** Directories inside `.git` that hold no hook or config (skipped: objects can be huge). */
const GIT_SKIP = new Set(['objects', 'refs', 'logs', 'lfs', 'info', 'rr-cache', 'branches', 'worktrees']);

/** `.git/config` settings that make git run a program (filters, hooks path, pagers, helpers…). */
const GIT_RUNS =
  /^\s*(fsmonitor|hookspath|sshcommand|pager|editor|askpass|textconv|driver|helper|command|process|clean|smudge|program|path|gitproxy|externaldiff)\s*=|^\s*[\w.-]+\s*=\s*"?!/i;

/** The settings of a git config text that make git run a program (one trimmed line each). */
export function gitConfigRunners(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/^\s*\[[^\]]*\]/, '')) // `[core] hooksPath = x` on one line
    .filter((l) => GIT_RUNS.test(l))
    .map((l) => l.trim().replace(/\s+/g, ' '));
}

/**
 * Why a path (relative to a writable root, `/`-separated) is guarded, or null: the autorun files
 * of sensitive-paths.ts, anything in `.tether/`, git hooks (not `*.sample`), a `.git/config`, and
 * a symlink standing where a guarded directory would be (`.vscode -> elsewhere`).
 */
export function guardReason(rel: string, isSymlink = false): string | null {
  const segs = rel.split('/').filter(Boolean).map(foldName);
  const name = segs[segs.length - 1];
  if (name === undefined) return null;
  const gitAt = segs.indexOf('.git');
  if (gitAt >= 0) {
    // Inside .git: hooks (also a submodule's, .git/modules/<m>/hooks) and config files.
    const inner = segs.slice(gitAt + 1);
    const parent = inner[inner.length - 2];
    if (parent === 'hooks' && !name.endsWith('.sample'))
      return 'git runs it on the next commit, merge or push';
    if (name === 'config' && (inner.length === 1 || inner[0] === 'modules'))
      return 'git reads it on every command';
    if (name === 'hooks' && isSymlink) return 'git runs its hooks on the next commit';
    if (inner.length === 0) return 'git reads the repository it names on every command';
    return null;
  }
  if (segs.includes('.tether')) return 'tether reads it on the next start (settings, commands, MCP servers)';
  const why = autorunReason(rel);
  if (why) return why;
  if (isSymlink && (GUARDED_DIRS.has(name) || (name === 'workflows' && segs[segs.length - 2] === '.github')))
    return 'a link in place of a directory whose files run code';
  return null;
}

function sha(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

/** The entry for `abs`, or null when it vanished. Never follows a symlink. */
export function readEntry(abs: string, isGitConfig: boolean): GuardedEntry | null {
  try {
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) {
      const link = readlinkSync(abs);
      return { kind: 'symlink', hash: sha(link), mode: st.mode, link };
    }
    if (!st.isFile()) return { kind: 'other', hash: `other:${st.mode}`, mode: st.mode };
    if (st.size > KEEP_MAX_BYTES)
      return { kind: 'file', hash: `big:${st.size}:${st.mtimeMs}`, mode: st.mode };
    const content = readFileSync(abs);
    const e: GuardedEntry = { kind: 'file', hash: sha(content), mode: st.mode, content };
    if (isGitConfig) e.gitRuns = gitConfigRunners(content.toString('utf8'));
    return e;
  } catch {
    return null;
  }
}

/** Scans `roots` (absolute real paths). */
export function scanGuarded(roots: readonly string[], maxEntries = SCAN_MAX_ENTRIES): Snapshot {
  const snap: Snapshot = { entries: new Map(), dirs: new Set(), truncated: false };
  for (const root of roots) {
    let budget = maxEntries;
    const stack: Array<{ dir: string; inGit: boolean }> = [{ dir: root, inGit: false }];
    snap.dirs.add(root);
    // Breadth first: a command that floods one deep directory cannot hide a shallow file.
    for (let i = 0; i < stack.length; i++) {
      const { dir, inGit } = stack[i] as { dir: string; inGit: boolean };
      let list: Dirent[];
      try {
        list = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      budget -= list.length;
      if (budget < 0) {
        snap.truncated = true;
        break;
      }
      for (const e of list) {
        const abs = join(dir, e.name);
        const rel = relative(root, abs).split(sep).join('/');
        if (e.isDirectory()) {
          snap.dirs.add(abs);
          if (e.name === 'node_modules') continue;
          // Inside .git only hooks/ and modules/ matter (and config files); objects, refs… are skipped.
          if (inGit && GIT_SKIP.has(e.name)) continue;
          stack.push({ dir: abs, inGit: inGit || foldName(e.name) === '.git' });
          continue;
        }
        if (!guardReason(rel, e.isSymbolicLink())) continue;
        const entry = readEntry(abs, inGit && foldName(e.name) === 'config');
        if (entry) snap.entries.set(abs, entry);
      }
    }
  }
  return snap;
}
