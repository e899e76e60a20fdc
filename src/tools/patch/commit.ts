/**
 * Atomic multi-file commit for apply_patch: every new content is first written to a temp file
 * next to its target (fsynced); only when all are staged are they renamed into place and
 * deletions performed. If any step fails, completed steps are undone from the in-memory
 * originals, so a patch is applied all or nothing.
 */
import {
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { atomicWriteFile, safeUnlink } from '../fs/safe-write.js';

/** One planned file change (absolute paths; `after: null` deletes). */
export interface PlannedWrite {
  path: string;
  /** Original content, or null when the file did not exist. */
  before: string | null;
  /** New content, or null to delete. */
  after: string | null;
}

/** Test seam: called before the k-th rename/unlink; throwing simulates a failure there. */
export interface CommitHooks {
  beforeStep?: (step: number, path: string) => void;
}

function stageTemp(path: string, content: string): string {
  let mode = 0o644;
  try {
    mode = statSync(path).mode & 0o7777;
  } catch {
    /* new file */
  }
  const tmp = join(
    dirname(path),
    `.${basename(path)}.tether-patch-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`,
  );
  const fd = openSync(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    mode,
  );
  try {
    const buf = Buffer.from(content, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

/** Creates missing parent directories of `dir`; returns those created (deepest last). */
function mkdirs(dir: string): string[] {
  const created: string[] = [];
  const missing: string[] = [];
  let d = dir;
  for (;;) {
    try {
      statSync(d);
      break;
    } catch {
      missing.push(d);
      const parent = dirname(d);
      if (parent === d) break;
      d = parent;
    }
  }
  for (const m of missing.reverse()) {
    mkdirSync(m);
    created.push(m);
  }
  return created;
}

/** Applies all writes atomically (all or nothing). Throws with the first failure after rollback. */
export function commitWrites(writes: readonly PlannedWrite[], hooks: CommitHooks = {}): void {
  const createdDirs: string[] = [];
  const temps = new Map<string, string>();
  const done: PlannedWrite[] = [];
  try {
    for (const w of writes) {
      if (w.after === null) continue;
      createdDirs.push(...mkdirs(dirname(w.path)));
      temps.set(w.path, stageTemp(w.path, w.after));
    }
    let step = 0;
    // Writes first, deletions last: a failed write leaves every source file in place.
    const ordered = [...writes.filter((w) => w.after !== null), ...writes.filter((w) => w.after === null)];
    for (const w of ordered) {
      hooks.beforeStep?.(step++, w.path);
      if (w.after === null) safeUnlinkStrict(w.path);
      else renameSync(temps.get(w.path) as string, w.path);
      temps.delete(w.path);
      done.push(w);
    }
  } catch (err) {
    for (const w of done.reverse()) {
      try {
        if (w.before === null) safeUnlink(w.path);
        else atomicWriteFile(w.path, w.before);
      } catch {
        /* best effort: keep undoing the rest */
      }
    }
    for (const tmp of temps.values()) safeUnlink(tmp);
    for (const d of createdDirs.reverse()) {
      try {
        rmdirSync(d);
      } catch {
        /* not empty or gone */
      }
    }
    throw err;
  }
}

/** Unlinks an existing file; errors other than "already gone" abort the commit. */
function safeUnlinkStrict(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
