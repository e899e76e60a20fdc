/**
 * Snapshots of the files that run code on the user's next action (issue 13 §7), for
 * autorun-guard.ts: every path below the writable roots that {@link guardReason} names, with
 * enough of it (bytes, link target, mode) to put it back. Synchronous (it also runs in an
 * `'exit'` handler) and bounded like the sandbox's scan: node_modules is skipped, inside `.git`
 * only hooks and config files are read (objects, refs, logs skipped), breadth first, every
 * listing whole, and past {@link SCAN_MAX_ENTRIES} entries per root only known directories.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  type Dirent,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  type Stats,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { gitConfigFacts } from './git-config-runs.js';
import { autorunReason, foldName } from './sensitive-paths.js';

/** Upper bound of directory entries read per root. */
export const SCAN_MAX_ENTRIES = 100_000;
/** Files larger than this are hashed but not kept (a change to one is reported, never undone). */
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
  /** For `.git/config`: the settings in it that may make git run a program. */
  gitRuns?: string[];
  /** For `.git/config`: its `core.hooksPath`. */
  hooksPath?: string;
}

/** What one scan saw. Paths are absolute. */
export interface Snapshot {
  entries: Map<string, GuardedEntry>;
  /** Every directory seen (to remove only the directories a command created). */
  dirs: Set<string>;
  /** Directories seen but not read (past the entry bound): what is in them is unknown. */
  skipped: Set<string>;
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

/** The settings of a git config text that may make git run a program (see git-config-runs.ts). */
export function gitConfigRunners(text: string): string[] {
  return gitConfigFacts(text).runs;
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
    if ((name === 'config' || name === 'config.worktree') && (inner.length === 1 || inner[0] === 'modules'))
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

/** Content hashes of large files by identity (a touch changes ctime, so it is hashed again). */
const bigHashes = new Map<string, string>();

/** sha256 of a large file, read in chunks without following a link (null: unreadable). */
function hashLarge(abs: string, st: Stats): string | null {
  const key = `${abs}\0${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  const known = bigHashes.get(key);
  if (known) return known;
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return null;
  }
  try {
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) h.update(buf.subarray(0, n));
    const hash = `big:${h.digest('hex')}`;
    if (bigHashes.size > 1000) bigHashes.clear();
    bigHashes.set(key, hash);
    return hash;
  } finally {
    closeSync(fd);
  }
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
    if (st.size > KEEP_MAX_BYTES) {
      // No copy is kept: compared by content, never removed when changed (it cannot be put back).
      const hash = hashLarge(abs, st);
      return hash ? { kind: 'file', hash, mode: st.mode } : null;
    }
    const content = readFileSync(abs);
    const e: GuardedEntry = { kind: 'file', hash: sha(content), mode: st.mode, content };
    if (isGitConfig) {
      const facts = gitConfigFacts(content.toString('utf8'));
      e.gitRuns = facts.runs;
      if (facts.hooksPath !== undefined) e.hooksPath = facts.hooksPath;
    }
    return e;
  } catch {
    return null;
  }
}

/** Directory names still walked once the entry bound is reached (where guarded files live). */
const KNOWN_DIRS = new Set([
  ...GUARDED_DIRS,
  '.config',
  'mise',
  '.mise',
  '.cursor',
  'hooks',
  'modules',
  'workflows',
]);

/** The directory a git config's `core.hooksPath` names, for the repository at `top`. */
function hooksDir(top: string, value: string): string {
  if (value.startsWith('~/')) return join(homedir(), value.slice(2));
  return isAbsolute(value) ? value : resolve(top, value);
}

/**
 * Scans `roots` (absolute real paths). Every directory listing is read whole (a flood of names
 * in one directory cannot hide a file next to them); past {@link SCAN_MAX_ENTRIES} entries per
 * root only directories with known names (`.git`, `.vscode`, `.husky`…) and, given the `prior`
 * scan, those it read or that are new since are still entered; the snapshot says `truncated`
 * when it left a directory unread. A repository's `core.hooksPath` directory is read too.
 */
export function scanGuarded(
  roots: readonly string[],
  maxEntries = SCAN_MAX_ENTRIES,
  prior?: Snapshot,
): Snapshot {
  const snap: Snapshot = { entries: new Map(), dirs: new Set(), skipped: new Set(), truncated: false };
  const hookDirs: string[] = [];
  for (const root of roots) {
    let budget = maxEntries;
    const stack: Array<{ dir: string; inGit: boolean }> = [{ dir: root, inGit: false }];
    snap.dirs.add(root);
    // Breadth first: a command that floods one deep directory cannot hide a shallow file.
    for (let i = 0; i < stack.length; i++) {
      const { dir, inGit } = stack[i] as { dir: string; inGit: boolean };
      // Past the bound, a directory the earlier scan read (or that is new since) is still read:
      // a command flooding the workspace cannot hide what it wrote where it was checked before.
      const known = inGit || KNOWN_DIRS.has(foldName(basename(dir)));
      if (budget < 0 && !known && !(prior && !prior.skipped.has(dir))) {
        snap.skipped.add(dir);
        snap.truncated = true;
        continue;
      }
      let list: Dirent[];
      try {
        list = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      budget -= list.length;
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
        const gitConfig = inGit && foldName(e.name).startsWith('config');
        const entry = readEntry(abs, gitConfig);
        if (!entry) continue;
        snap.entries.set(abs, entry);
        // `<top>/.git/config` naming a hooks directory: its files are hooks too.
        if (entry.hooksPath && foldName(basename(dir)) === '.git')
          hookDirs.push(hooksDir(dirname(dir), entry.hooksPath));
      }
    }
  }
  for (const dir of hookDirs) scanHooksDir(dir, roots, snap);
  return snap;
}

/** Adds the files of a `core.hooksPath` directory inside one of `roots` (not `*.sample`). */
function scanHooksDir(dir: string, roots: readonly string[], snap: Snapshot): void {
  if (!roots.some((r) => dir === r || dir.startsWith(`${r}/`))) return;
  let list: Dirent[];
  try {
    list = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of list) {
    if (e.isDirectory() || e.name.endsWith('.sample')) continue;
    const abs = join(dir, e.name);
    const entry = readEntry(abs, false);
    if (entry) snap.entries.set(abs, entry);
  }
}
