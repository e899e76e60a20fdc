/**
 * Writes that cannot escape the workspace even while the tree changes under them (RELIABILITY
 * R22, chaos finding F3): temp files are created, checked and renamed through a verified
 * directory handle (`/proc/self/fd` on Linux), and missing parents are created one component at
 * a time, each checked before the next.
 */
import {
  type BigIntStats,
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { hasProcSelfFd } from '../../platform/procfs.js';
import { displayPath, isProtectedPath, isSubpath, type Workspace } from './workspace.js';

/** Linux `O_PATH`: a directory handle that needs no read permission (fallback only). */
const O_PATH_LINUX = 0o10000000;

/** Where an open descriptor really is, from `/proc/self/fd` (Linux); null when that cannot be told. */
function fdRealPath(fd: number): string | null {
  try {
    const p = readlinkSync(`/proc/self/fd/${fd}`);
    return p.startsWith('/') ? p : null;
  } catch {
    return null;
  }
}

/** Whether `p` (a real path) is a place tools may write to: inside a writable root, not protected. */
function isWritableLocation(ws: Workspace, p: string): boolean {
  return ws.writableRoots.some((r) => isSubpath(r, p)) && !isProtectedPath(ws, p);
}

/** Opens a directory (following links in `dir`); falls back to `O_PATH` on Linux for `-r` dirs. */
function openDirFd(dir: string): number {
  try {
    return openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (err) {
    if (!hasProcSelfFd() || (err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
    return openSync(dir, O_PATH_LINUX | constants.O_DIRECTORY);
  }
}

/** Opens the directory entry `p` without following a link there (`O_PATH` fallback on Linux). */
function openSubdirFd(p: string): number {
  const flags = constants.O_DIRECTORY | constants.O_NOFOLLOW;
  try {
    return openSync(p, constants.O_RDONLY | flags);
  } catch (err) {
    if (!hasProcSelfFd() || (err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
    return openSync(p, O_PATH_LINUX | flags);
  }
}

/** Whether two (bigint) stats of one directory show no change of its entries in between. */
function sameTimes(a: BigIntStats, b: BigIntStats): boolean {
  return a.ctimeNs === b.ctimeNs && a.mtimeNs === b.mtimeNs;
}

/** Same inode (dev + ino) for two stats. */
function sameFile(a: { dev: number; ino: number }, b: { dev: number; ino: number }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** `lstat` that returns undefined instead of throwing. */
function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/**
 * A directory opened by descriptor: on Linux every later operation goes through
 * `/proc/self/fd/<fd>/<name>`, which acts like `openat`/`mkdirat`/`renameat` on that very inode,
 * so swapping a path component for a symlink afterwards cannot redirect it. Elsewhere (no
 * `/proc`) names are joined to the path and every step is re-verified by dev/ino instead.
 */
interface DirHandle {
  fd: number;
  /** Path of an entry of this directory for fs calls. */
  at(name: string): string;
  /** True when `at` goes through the descriptor (Linux `/proc`). */
  viaFd: boolean;
}

function dirHandle(fd: number, dirPath: string): DirHandle {
  const viaFd = fdRealPath(fd) !== null;
  return { fd, viaFd, at: (name) => (viaFd ? `/proc/self/fd/${fd}/${name}` : join(dirPath, name)) };
}

/**
 * Opens the parent directory of a write. With a workspace it must really be `dir` (no link
 * swapped in) and lie where tools may write; otherwise throws a one-line error.
 */
function openWriteDir(path: string, dir: string, ws: Workspace | undefined): DirHandle {
  let fd: number;
  try {
    fd = openDirFd(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new Error(`cannot write ${path}: its directory does not exist (or changed during the write)`);
    throw err;
  }
  const h = dirHandle(fd, dir);
  if (!ws) return h;
  let ok: boolean;
  try {
    if (h.viaFd) {
      const real = fdRealPath(fd);
      ok = real === dir && isWritableLocation(ws, real);
    } else {
      const real = realpathSync(dir);
      ok = real === dir && isWritableLocation(ws, real) && sameFile(fstatSync(fd), statSync(real));
    }
  } catch {
    ok = false;
  }
  if (!ok) {
    closeSync(fd);
    throw new Error(`refusing to write ${path}: its directory changed during the write`);
  }
  return h;
}

/**
 * Whether the open file `fd`, created as `name` in `dir`, is still there and `dir` is still a
 * place tools may write to. Linux reads the descriptor's real path; elsewhere the dev/ino of the
 * descriptor is compared with the entry under the re-verified real parent.
 */
function fileStillInside(ws: Workspace, fd: number, dirPath: string, dir: DirHandle, name: string): boolean {
  try {
    if (dir.viaFd) {
      const real = fdRealPath(fd);
      return real !== null && fstatSync(fd).nlink > 0 && isWritableLocation(ws, dirname(real));
    }
    const realDir = realpathSync(dirPath);
    const st = lstatOrUndefined(join(realDir, name));
    return (
      realDir === dirPath &&
      isWritableLocation(ws, realDir) &&
      st !== undefined &&
      sameFile(st, fstatSync(fd)) &&
      sameFile(fstatSync(dir.fd), statSync(realDir))
    );
  } catch {
    return false;
  }
}

/**
 * Removes the open file `fd` wherever it really is: first by its name in the opened directory,
 * then (Linux) by the path the descriptor resolves to, never by a path that may point elsewhere
 * by now. Each unlink is preceded by a dev/ino match. If it cannot be removed, it is truncated so
 * no written content stays behind.
 */
function removeOpenFile(fd: number, dir: DirHandle, name: string): void {
  const unlinkIfSame = (p: string): void => {
    try {
      const st = lstatSync(p);
      if (sameFile(st, fstatSync(fd))) unlinkSync(p);
    } catch {
      /* gone or moved */
    }
  };
  const linked = (): boolean => {
    try {
      return fstatSync(fd).nlink > 0;
    } catch {
      return false;
    }
  };
  unlinkIfSame(dir.at(name));
  for (let i = 0; i < 5 && linked(); i++) {
    const real = fdRealPath(fd);
    if (real === null) break;
    unlinkIfSame(real);
  }
  if (linked()) {
    try {
      ftruncateSync(fd, 0);
    } catch {
      /* best effort */
    }
  }
}

/**
 * Writes `content` atomically: a temp file created `O_EXCL|O_NOFOLLOW` in the same directory,
 * fsynced, then renamed over the target; keeps an existing file's mode. With a workspace, the
 * parent directory is opened and verified first and the temp file is created, renamed and (on
 * refusal) removed through that directory's descriptor (Linux `/proc/self/fd`), so a parent
 * swapped for a symlink mid-write cannot redirect it (FINDINGS F3). Where the temp file really
 * is gets checked before any content is written and again before the rename, and where the
 * file landed after it; a write that ended up outside is removed by its resolved location.
 */
export function atomicWriteFile(path: string, content: string | Buffer, ws?: Workspace): void {
  const dirPath = dirname(path);
  const name = basename(path);
  const dir = openWriteDir(path, dirPath, ws);
  try {
    writeThroughDir(path, dirPath, name, dir, content, ws);
  } catch (err) {
    // fs errors name the `/proc/self/fd/N/…` paths used internally; show the real directory.
    const e = err as NodeJS.ErrnoException;
    if (typeof e.message === 'string' && e.message.includes('/proc/self/fd/'))
      e.message = e.message.split(`/proc/self/fd/${dir.fd}/`).join(`${dirPath}${sep}`);
    throw e;
  } finally {
    closeSync(dir.fd);
  }
}

/** The body of {@link atomicWriteFile} once the parent directory is open (and verified). */
function writeThroughDir(
  path: string,
  dirPath: string,
  name: string,
  dir: DirHandle,
  content: string | Buffer,
  ws: Workspace | undefined,
): void {
  let mode = 0o644;
  try {
    mode = statSync(dir.at(name)).mode & 0o7777;
  } catch {
    /* new file */
  }
  const tmpName = `.${name}.tether-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  const fd = openSync(
    dir.at(tmpName),
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    mode,
  );
  let renamed = false;
  try {
    const changed = () => new Error(`refusing to write ${path}: its directory changed during the write`);
    // Before any byte is written: the temp file must really be inside.
    if (ws && !fileStillInside(ws, fd, dirPath, dir, tmpName)) throw changed();
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    if (ws && !fileStillInside(ws, fd, dirPath, dir, tmpName)) throw changed();
    renameSync(dir.at(tmpName), dir.at(name));
    renamed = true;
    if (ws && !fileStillInside(ws, fd, dirPath, dir, name)) {
      removeOpenFile(fd, dir, name);
      throw new Error(`refusing to write ${path}: its directory was replaced by a link during the write`);
    }
  } catch (err) {
    if (!renamed) removeOpenFile(fd, dir, tmpName);
    throw err;
  } finally {
    closeSync(fd);
  }
}

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

/** unlink that ignores errors. */
export function safeUnlink(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    /* already gone */
  }
}
