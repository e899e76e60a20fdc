/**
 * Directory descriptors for writes that must not follow a path swapped mid-write: opening
 * (with the Linux `O_PATH` fallback), where a descriptor really is (`/proc/self/fd`), handles
 * whose entries are reached through the descriptor, and the inode/timestamp comparisons the
 * checks use.
 */
import { type BigIntStats, constants, lstatSync, openSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { hasProcSelfFd } from '../../platform/procfs.js';
import { isProtectedPath, isSubpath, type Workspace } from './workspace.js';

/** Linux `O_PATH`: a directory handle that needs no read permission (fallback only). */
export const O_PATH_LINUX = 0o10000000;

/** Where an open descriptor really is, from `/proc/self/fd` (Linux); null when that cannot be told. */
export function fdRealPath(fd: number): string | null {
  try {
    const p = readlinkSync(`/proc/self/fd/${fd}`);
    return p.startsWith('/') ? p : null;
  } catch {
    return null;
  }
}

/** Whether `p` (a real path) is a place tools may write to: inside a writable root, not protected. */
export function isWritableLocation(ws: Workspace, p: string): boolean {
  return ws.writableRoots.some((r) => isSubpath(r, p)) && !isProtectedPath(ws, p);
}

/** Opens a directory (following links in `dir`); falls back to `O_PATH` on Linux for `-r` dirs. */
export function openDirFd(dir: string): number {
  try {
    return openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (err) {
    if (!hasProcSelfFd() || (err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
    return openSync(dir, O_PATH_LINUX | constants.O_DIRECTORY);
  }
}

/** Opens the directory entry `p` without following a link there (`O_PATH` fallback on Linux). */
export function openSubdirFd(p: string): number {
  const flags = constants.O_DIRECTORY | constants.O_NOFOLLOW;
  try {
    return openSync(p, constants.O_RDONLY | flags);
  } catch (err) {
    if (!hasProcSelfFd() || (err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
    return openSync(p, O_PATH_LINUX | flags);
  }
}

/** Whether two (bigint) stats of one directory show no change of its entries in between. */
export function sameTimes(a: BigIntStats, b: BigIntStats): boolean {
  return a.ctimeNs === b.ctimeNs && a.mtimeNs === b.mtimeNs;
}

/** Same inode (dev + ino) for two stats. */
export function sameFile(a: { dev: number; ino: number }, b: { dev: number; ino: number }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** `lstat` that returns undefined instead of throwing. */
export function lstatOrUndefined(p: string): Stats | undefined {
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
export interface DirHandle {
  fd: number;
  /** Path of an entry of this directory for fs calls. */
  at(name: string): string;
  /** True when `at` goes through the descriptor (Linux `/proc`). */
  viaFd: boolean;
}

/** A handle on the open directory `fd` at `dirPath` (see {@link DirHandle}). */
export function dirHandle(fd: number, dirPath: string): DirHandle {
  const viaFd = fdRealPath(fd) !== null;
  return { fd, viaFd, at: (name) => (viaFd ? `/proc/self/fd/${fd}/${name}` : join(dirPath, name)) };
}
