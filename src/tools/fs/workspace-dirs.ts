/**
 * Creating the missing parent directories of a write inside the workspace, one component at a
 * time through the descriptor of each verified parent (FINDINGS F3), with a path-verifying
 * fallback where there is no `/proc`.
 */
import { closeSync, fstatSync, mkdirSync, realpathSync, rmdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import {
  fdRealPath,
  isWritableLocation,
  lstatOrUndefined,
  openDirFd,
  openSubdirFd,
  sameTimes,
} from './dir-fd.js';
import { displayPath, isSubpath, type Workspace } from './workspace.js';

/** Outcome of {@link makeWorkspaceDirs}. */
export type MkdirResult = { ok: true } | { ok: false; error: string };

/**
 * Creates the missing directories of `dir` (a real path inside a writable root) one component
 * at a time, each through the descriptor of its verified parent (Linux `/proc/self/fd`, i.e.
 * `mkdirat`), never a recursive mkdir on a path that could have been swapped for a symlink
 * (FINDINGS F3). Existing components must be real directories (no links); every directory
 * reached must lie where tools may write. A component that existed when the walk started but is
 * missing when reached (renamed away mid-walk) is not re-created: that is a refusal. Never throws.
 */
export function makeWorkspaceDirs(ws: Workspace, dir: string): MkdirResult {
  const root = ws.writableRoots.filter((r) => isSubpath(r, dir)).sort((a, b) => b.length - a.length)[0];
  if (root === undefined) return { ok: false, error: `${dir} is outside the workspace ${ws.root}` };
  const changed = (): MkdirResult => ({
    ok: false,
    error: `${displayPath(ws, dir)} changed while its directories were being created; not written`,
  });
  const parts = relative(root, dir)
    .split(sep)
    .filter((p) => p !== '');
  let fd: number;
  try {
    fd = openDirFd(root);
  } catch (err) {
    return { ok: false, error: `cannot open ${root}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` };
  }
  let curPath = root;
  try {
    if (!fdRealPath(fd)) return makeDirsByPath(ws, root, parts, changed);
    if (fdRealPath(fd) !== root) return changed();
    let parentTimes = fstatSync(fd, { bigint: true });
    const existing = existingPrefix(root, parts);
    for (const [i, part] of parts.entries()) {
      const child = `/proc/self/fd/${fd}/${part}`;
      curPath = join(curPath, part);
      let created = false;
      let next: number;
      try {
        next = openSubdirFd(child);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ELOOP' || code === 'ENOTDIR')
          return {
            ok: false,
            error: `${displayPath(ws, curPath)} is not a directory (or changed while writing)`,
          };
        if (code !== 'ENOENT')
          return { ok: false, error: `cannot open ${displayPath(ws, curPath)}: ${code ?? 'error'}` };
        // Create only what was missing from the start, in a parent whose entries did not change
        // since it was opened: a name missing because a concurrent process is moving it (e.g.
        // swapping it for a link) is not re-created. Linux 6.13+ multigrain ctimes make the
        // comparison exact; older kernels compare coarse timestamps.
        if (i < existing || !sameTimes(parentTimes, fstatSync(fd, { bigint: true }))) return changed();
        try {
          mkdirSync(child);
          created = true;
        } catch (e) {
          const c = (e as NodeJS.ErrnoException).code;
          if (c !== 'EEXIST')
            return { ok: false, error: `cannot create ${displayPath(ws, curPath)}: ${c ?? 'error'}` };
        }
        try {
          next = openSubdirFd(child);
        } catch {
          return changed();
        }
      }
      const real = fdRealPath(next);
      if (real === null || !isWritableLocation(ws, real)) {
        // The parent itself was moved outside after it was verified: undo what we created.
        closeSync(next);
        if (created) {
          try {
            rmdirSync(child);
          } catch {
            /* not empty or gone */
          }
        }
        return changed();
      }
      closeSync(fd);
      fd = next;
      parentTimes = fstatSync(fd, { bigint: true });
    }
    return { ok: true };
  } finally {
    closeSync(fd);
  }
}

/** How many leading components of `root/parts…` exist now (as anything, links included). */
function existingPrefix(root: string, parts: string[]): number {
  let n = 0;
  while (n < parts.length && lstatOrUndefined(join(root, ...parts.slice(0, n + 1))) !== undefined) n++;
  return n;
}

/** {@link makeWorkspaceDirs} without `/proc`: re-verifies each real path around every mkdir. */
function makeDirsByPath(
  ws: Workspace,
  root: string,
  parts: string[],
  changed: () => MkdirResult,
): MkdirResult {
  const existing = existingPrefix(root, parts);
  let cur = root;
  for (const [i, part] of parts.entries()) {
    const next = join(cur, part);
    try {
      if (realpathSync(cur) !== cur || !isWritableLocation(ws, cur)) return changed();
      const st = lstatOrUndefined(next);
      if (st === undefined) {
        if (i < existing) return changed();
        let created = false;
        try {
          mkdirSync(next);
          created = true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        if (realpathSync(next) !== next) {
          try {
            if (created) rmdirSync(realpathSync(next));
          } catch {
            /* best effort */
          }
          return changed();
        }
      } else if (!st.isDirectory()) {
        return { ok: false, error: `${displayPath(ws, next)} is not a directory (or changed while writing)` };
      }
    } catch (err) {
      return {
        ok: false,
        error: `cannot create ${displayPath(ws, next)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      };
    }
    cur = next;
  }
  return { ok: true };
}
