/**
 * Spill-file housekeeping at startup: spill files of old sessions are deleted after 7 days, and
 * when all spill files together exceed the total cap the oldest go first until they use at most
 * half of it, so a new session always has room. Only touches `<dataDir>/spill/`.
 */
import { readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Spill files older than this are deleted at startup (ms). */
export const SPILL_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

interface SpillFile {
  path: string;
  size: number;
  mtimeMs: number;
}

function listFiles(root: string): SpillFile[] {
  const out: SpillFile[] = [];
  let dirs: string[];
  try {
    dirs = readdirSync(root);
  } catch {
    return out;
  }
  for (const d of dirs) {
    const dir = join(root, d);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      const p = join(dir, n);
      try {
        const st = statSync(p);
        if (st.isFile()) out.push({ path: p, size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        /* raced */
      }
    }
  }
  return out;
}

/**
 * Prunes the spill root (`<dataDir>/spill`, one directory per session) and returns the bytes its
 * remaining files use outside `keepDir` (the current session's directory, never touched).
 */
export function pruneSpillRoot(
  root: string,
  keepDir: string,
  totalBytes: number,
  nowMs = Date.now(),
): number {
  const keep = resolve(keepDir);
  const files = listFiles(root).filter((f) => resolve(f.path, '..') !== keep);
  const alive: SpillFile[] = [];
  for (const f of files) {
    if (nowMs - f.mtimeMs > SPILL_MAX_AGE_MS) rmSync(f.path, { force: true });
    else alive.push(f);
  }
  let used = alive.reduce((n, f) => n + f.size, 0);
  alive.sort((a, b) => a.mtimeMs - b.mtimeMs);
  for (const f of alive) {
    if (used <= totalBytes / 2) break;
    rmSync(f.path, { force: true });
    used -= f.size;
  }
  // Empty session directories go too (best effort; a directory still in use is not empty).
  try {
    for (const d of readdirSync(root)) {
      const dir = join(root, d);
      if (dir !== keep) {
        try {
          rmdirSync(dir);
        } catch {
          /* not empty or not a directory */
        }
      }
    }
  } catch {
    /* no spill root yet */
  }
  return used;
}
