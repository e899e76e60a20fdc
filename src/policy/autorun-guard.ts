/**
 * Files that run code on the user's next action (`.envrc`, git hooks, `.vscode/tasks.json`,
 * `.mcp.json`, `.tether/…`; see autorun-scan.ts) cannot be created or changed by a command the
 * user did not review (issue 13 §7). The file tools already ask before writing them; a command
 * that runs unasked (full-auto, known-safe, an "always allow" rule, `write_stdin`, a background
 * `exec_command` process) is checked instead: the guarded files are snapshotted before it and
 * compared after it, and whatever it created is removed and whatever it changed is put back
 * byte for byte, symlinks and hard links included (a link is removed, never followed). Bubblewrap
 * cannot protect a path that does not exist yet without creating it in the repository, so the
 * sandbox alone cannot do this; the check runs with and without the sandbox.
 *
 * Limits (README): the check sees the result, not the act — a command can run the file itself
 * before it ends (it could run the same code directly anyway), a background process can rewrite
 * it between two checks (each check reverts again, the last at exit), and an edit the user makes
 * to a guarded file while an unreviewed command or background process runs is reverted too.
 */
import {
  lstatSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import {
  type GuardedEntry,
  guardReason,
  SCAN_MAX_ENTRIES,
  type Snapshot,
  scanGuarded,
} from './autorun-scan.js';

/** One path a check put back. */
export interface Reverted {
  path: string;
  action: 'removed' | 'restored' | 'kept';
  /** Why the path is guarded. */
  why: string;
  /** For `kept`: why it could not be undone. */
  problem?: string;
}

/** Whether a directory above `path` was seen but not read by the scan `snap`. */
function underSkipped(path: string, snap: Snapshot): boolean {
  if (snap.skipped.size === 0) return false;
  for (let d = dirname(path); d !== dirname(d); d = dirname(d)) if (snap.skipped.has(d)) return true;
  return false;
}

/** What changed between two snapshots: created or changed guarded paths. Pure. */
export function guardedChanges(
  before: Snapshot,
  after: Snapshot,
): Array<{ path: string; was?: GuardedEntry }> {
  const out: Array<{ path: string; was?: GuardedEntry }> = [];
  for (const [path, now] of after.entries) {
    const was = before.entries.get(path);
    if (!was) {
      // In a directory the earlier scan did not read: it may be the user's, never removed.
      if (underSkipped(path, before)) continue;
      // A new .git/config matters only when it makes git run a program.
      if (now.gitRuns !== undefined && now.gitRuns.length === 0) continue;
      out.push({ path });
      continue;
    }
    if (was.hash === now.hash && was.kind === now.kind && was.mode === now.mode) continue;
    if (was.gitRuns !== undefined && now.gitRuns !== undefined) {
      const old = new Set(was.gitRuns);
      if (now.gitRuns.every((r) => old.has(r))) continue; // remotes, user.name…: harmless
    }
    out.push({ path, was });
  }
  return out;
}

/** Whether `was` can be put back byte for byte (a symlink, or a file whose bytes were kept). */
function restorable(was: GuardedEntry): boolean {
  return (was.kind === 'symlink' && was.link !== undefined) || (was.kind === 'file' && !!was.content);
}

function writeBack(path: string, was: GuardedEntry): void {
  if (was.kind === 'symlink' && was.link !== undefined) {
    symlinkSync(was.link, path);
    return;
  }
  if (!was.content) return;
  // A new file next to it, then renamed into place: never through a link, never half-written.
  const tmp = join(dirname(path), `.${basename(path)}.tether-restore-${process.pid}`);
  writeFileSync(tmp, was.content, { flag: 'wx', mode: was.mode & 0o7777 });
  renameSync(tmp, path);
}

/**
 * Throws unless `dir` is a real directory inside `root` reached through no symlink: its real
 * path is itself (roots are real paths), so a component swapped for a link is refused.
 */
function assertInside(dir: string, root: string): void {
  if (dir !== root && !dir.startsWith(`${root}/`)) throw new Error('outside the workspace');
  if (realpathSync(dir) !== dir || !lstatSync(dir).isDirectory())
    throw new Error('a directory on its path was replaced by a link');
}

/** Removes the directories below `root` that `before` did not have and are now empty. */
function pruneCreatedDirs(path: string, root: string, before: Snapshot): void {
  let dir = dirname(path);
  while (dir !== root && dir.startsWith(`${root}/`) && !before.dirs.has(dir)) {
    try {
      assertInside(dir, root);
      if (readdirSync(dir).length > 0) return;
      rmdirSync(dir);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}

/** Undoes `changes` (see {@link guardedChanges}) on disk. */
export function revertChanges(
  changes: ReadonlyArray<{ path: string; was?: GuardedEntry }>,
  before: Snapshot,
  roots: readonly string[],
): Reverted[] {
  const out: Reverted[] = [];
  for (const { path, was } of changes) {
    const root = roots.find((r) => path.startsWith(`${r}/`));
    if (root === undefined) {
      out.push({ path, action: 'kept', why: 'runs code', problem: 'outside the workspace' });
      continue;
    }
    const rel = relative(root, path);
    let isLink = false;
    try {
      isLink = lstatSync(path).isSymbolicLink();
    } catch {
      /* gone meanwhile */
    }
    const why = guardReason(rel, isLink) ?? guardReason(rel, true) ?? 'runs code';
    try {
      // Never delete what cannot be put back (a user's file over the size kept): reported only.
      if (was && !restorable(was)) throw new Error('too large to keep a copy, left as it is');
      // Every directory on the way must still be real and inside the root (not swapped for a
      // link to elsewhere between the scan and now).
      assertInside(dirname(path), root);
      rmSync(path, { recursive: true, force: true });
      if (!was) {
        pruneCreatedDirs(path, root, before);
        out.push({ path: rel, action: 'removed', why });
        continue;
      }
      writeBack(path, was);
      out.push({ path: rel, action: 'restored', why });
    } catch (err) {
      out.push({ path: rel, action: 'kept', why, problem: (err as Error).message });
    }
  }
  return out;
}

/** The note for the model (appended to the tool output) and the user (one warning). Pure. */
export function revertNote(
  reverted: readonly Reverted[],
  by: string,
): { model: string; user: string } | null {
  if (reverted.length === 0) return null;
  const what = reverted
    .map((r) =>
      r.path === '(workspace)'
        ? `files could not all be checked (${r.problem ?? r.why})`
        : r.action === 'removed'
          ? r.problem
            ? `removed the changed ${r.path} (${r.why}; the original could not be restored: ${r.problem})`
            : `removed new ${r.path} (${r.why})`
          : r.action === 'restored'
            ? `restored ${r.path} (${r.why})`
            : `could not undo the change to ${r.path} (${r.problem ?? 'unknown'}; ${r.why})`,
    )
    .join('; ');
  return {
    model: `[tether: ${what}. Files that run code on the user's next action cannot be written by ${by}; write them with the file tools (write_file, apply_patch), which ask the user.]`,
    user: `${by} wrote files that run code on your next action; ${what}`,
  };
}

/** Snapshots and checks of one workspace (its writable roots). */
export class AutorunGuard {
  /** The state after the last check while background processes ran (null: none ran). */
  private last: Snapshot | null = null;
  /**
   * The reference the last undo restored the disk to: the next {@link accept} takes it instead
   * of a fresh scan, so a background process writing again between the undo and the accept
   * never becomes the reference.
   */
  private restored: Snapshot | null = null;

  constructor(private readonly roots: readonly string[]) {}

  /** The guarded files now. */
  snapshot(): Snapshot {
    return scanGuarded(this.roots);
  }

  /** Undoes what changed since `before` (except `keep`); the note, or null when nothing did. */
  revertSince(
    before: Snapshot,
    by: string,
    keep?: ReadonlySet<string>,
  ): { model: string; user: string; reverted: Reverted[] } | null {
    const after = scanGuarded(this.roots, SCAN_MAX_ENTRIES, before);
    const changes = guardedChanges(before, after).filter((c) => !keep?.has(c.path));
    const reverted = revertChanges(changes, before, this.roots);
    this.restored = rebase(before, after, keep);
    if (after.truncated) {
      // Said every time: past the scan bound only known directories were checked.
      reverted.push({
        path: '(workspace)',
        action: 'kept',
        why: 'too many files to check them all',
        problem: `more than ${SCAN_MAX_ENTRIES} entries: deeper files outside known directories (.git, .vscode, .husky…) were not checked`,
      });
    }
    const note = revertNote(reverted, by);
    return note ? { ...note, reverted } : null;
  }

  /**
   * Between calls: when background processes were running at the last look, undoes what changed
   * since then (except `keep`: an edit tool's own files). Then remembers the state now if
   * `background` is still true.
   */
  sweep(
    background: boolean,
    keep?: ReadonlySet<string>,
  ): { model: string; user: string; reverted: Reverted[] } | null {
    const note = this.last ? this.revertSince(this.last, 'a background process', keep) : null;
    this.accept(background);
    return note;
  }

  /**
   * Takes the state now as the reference (after a call the user reviewed); right after an undo,
   * the state it restored instead (never a rescan a background process could race).
   */
  accept(background: boolean): void {
    this.last = background ? (this.restored ?? this.snapshot()) : null;
    this.restored = null;
  }

  /** Forgets a pending undo's reference: the next {@link accept} scans (a reviewed call ran). */
  reviewed(): void {
    this.restored = null;
  }

  /** Whether a background look is pending (the exit handler checks one last time). */
  get watching(): boolean {
    return this.last !== null;
  }
}

/** `before` with the `keep` paths (an edit tool's own files) as they are in `after`. Pure. */
function rebase(before: Snapshot, after: Snapshot, keep?: ReadonlySet<string>): Snapshot {
  if (!keep || keep.size === 0) return before;
  const entries = new Map(before.entries);
  const dirs = new Set(before.dirs);
  for (const p of keep) {
    const now = after.entries.get(p);
    if (now) entries.set(p, now);
    else entries.delete(p);
    for (const d of after.dirs) if (p.startsWith(`${d}/`)) dirs.add(d);
  }
  return { entries, dirs, skipped: before.skipped, truncated: after.truncated };
}
