/**
 * Writes that cannot escape the workspace even while the tree changes under them (RELIABILITY
 * R22, chaos finding F3): temp files are created, checked and renamed through a verified
 * directory handle (`/proc/self/fd` on Linux), and missing parents are created one component at
 * a time, each checked before the next (workspace-dirs.ts; the descriptor primitives are in
 * dir-fd.ts).
 */
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import {
  type DirHandle,
  dirHandle,
  fdRealPath,
  isWritableLocation,
  lstatOrUndefined,
  openDirFd,
  sameFile,
} from './dir-fd.js';
import type { Workspace } from './workspace.js';

export { type MkdirResult, makeWorkspaceDirs } from './workspace-dirs.js';

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

/** unlink that ignores errors. */
export function safeUnlink(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    /* already gone */
  }
}
