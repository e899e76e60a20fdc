/**
 * Workspace confinement for every file tool (RELIABILITY B6, R22). Paths are resolved to real
 * paths (symlinks followed even when the leaf or a link target does not exist yet) before the
 * containment check, so `link_to_etc/passwd` and dangling links cannot escape. Writes are also
 * refused inside protected segments (`.git` internals, `.tether/`, where approvals live, so the
 * model cannot grant itself permissions), compared case-folded.
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { foldName, isDotenvName } from '../../policy/sensitive-paths.js';

/** Roots a tool may touch. All paths are absolute real paths. */
export interface Workspace {
  /** The workspace root (real path). */
  root: string;
  /** Where writes are allowed: the root plus explicit extra dirs. */
  writableRoots: string[];
  /** Where reads are allowed: writable roots plus e.g. the spill dir. */
  readableRoots: string[];
}

/** Outcome of {@link resolveToolPath}. */
export type PathResolution =
  | {
      ok: true;
      path: string;
      display: string;
      /** The absolute path as named, before symlinks were followed (equals `path` when none). */
      requested: string;
    }
  | { ok: false; error: string };

/** The real path plus, when a symlink was followed, the path as named (for policy checks). */
export function pathsOf(r: { path: string; requested: string }): string[] {
  return r.requested === r.path ? [r.path] : [r.path, r.requested];
}

const MAX_LINK_HOPS = 40;

/** Segments no tool may write to (case-folded; trailing dots/spaces trimmed). */
const PROTECTED_SEGMENTS = new Set(['.git', '.tether']);

/**
 * `realpath` that also works for paths that do not exist yet: the nearest existing ancestor is
 * resolved and the rest appended; dangling symlinks are followed to their (missing) target.
 */
export function realpathLoose(p: string, hops = 0): string {
  if (hops > MAX_LINK_HOPS) throw new Error('too many levels of symbolic links');
  try {
    return realpathSync(p);
  } catch {
    /* does not exist (or dangling link) */
  }
  let st: ReturnType<typeof lstatSync> | undefined;
  try {
    st = lstatSync(p);
  } catch {
    st = undefined;
  }
  if (st?.isSymbolicLink()) {
    const target = resolve(dirname(p), readlinkSync(p));
    return realpathLoose(target, hops + 1);
  }
  const parent = dirname(p);
  if (parent === p) return p;
  return join(realpathLoose(parent, hops), basename(p));
}

/** True when `child` equals `parent` or lies below it. */
export function isSubpath(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Builds a workspace; every root is resolved to its real path once. */
export function createWorkspace(
  root: string,
  extraWritable: string[] = [],
  extraReadable: string[] = [],
): Workspace {
  const real = realpathLoose(resolve(root));
  const writableRoots = [real, ...extraWritable.map((d) => realpathLoose(resolve(d)))];
  return {
    root: real,
    writableRoots,
    readableRoots: [...writableRoots, ...extraReadable.map((d) => realpathLoose(resolve(d)))],
  };
}

/**
 * `.env` files hold secrets (RELIABILITY R22; the sandbox masks them for shell commands too), so
 * tools never write them; the conventional templates stay editable.
 */
function isProtectedSegment(folded: string): boolean {
  return PROTECTED_SEGMENTS.has(folded) || isDotenvName(folded);
}

/** Whether a path (real, absolute) lies in a protected segment of any writable root. */
export function isProtectedPath(ws: Workspace, absPath: string): boolean {
  for (const root of ws.writableRoots) {
    if (!isSubpath(root, absPath)) continue;
    const rel = relative(root, absPath);
    if (rel === '') continue;
    if (rel.split(sep).some((seg) => isProtectedSegment(foldName(seg)))) return true;
  }
  return false;
}

/**
 * Resolves a model-supplied path for `access`. Rejects NUL bytes, encoded `..`, paths outside the
 * allowed roots (after following symlinks) and, for writes, protected segments.
 */
export function resolveToolPath(ws: Workspace, input: string, access: 'read' | 'write'): PathResolution {
  if (typeof input !== 'string' || input.length === 0) return { ok: false, error: 'path is empty' };
  if (input.includes('\0')) return { ok: false, error: 'path contains a NUL byte' };
  let raw = input;
  if (/^file:\/\//i.test(raw)) {
    try {
      raw = fileURLToPath(raw);
    } catch {
      return { ok: false, error: `invalid file URL: ${input}` };
    }
  } else if (/%2e|%2f|%5c/i.test(raw)) {
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      /* keep raw */
    }
    if (decoded.split(/[\\/]/).includes('..'))
      return { ok: false, error: `path ${input} contains an encoded '..'` };
  }
  if (raw.startsWith('~'))
    return { ok: false, error: `path ${input} must be relative to the workspace (no ~)` };
  const abs = resolve(ws.root, raw);
  let real: string;
  try {
    real = realpathLoose(abs);
  } catch (err) {
    return { ok: false, error: `cannot resolve ${input}: ${(err as Error).message}` };
  }
  const roots = access === 'write' ? ws.writableRoots : ws.readableRoots;
  if (!roots.some((r) => isSubpath(r, real))) {
    const how = real !== abs ? ` (resolves to ${real})` : '';
    return {
      ok: false,
      error: `path ${input}${how} is outside the workspace ${ws.root}; only files inside it can be ${access === 'write' ? 'written' : 'read'}`,
    };
  }
  if (access === 'write' && (isProtectedPath(ws, real) || isProtectedPath(ws, abs))) {
    return {
      ok: false,
      error: `path ${input} is protected (.git internals, .tether/ and .env files cannot be modified by tools)`,
    };
  }
  return { ok: true, path: real, display: displayPath(ws, real), requested: abs };
}

/** Path relative to the workspace root when inside it, else absolute. */
export function displayPath(ws: Workspace, abs: string): string {
  return isSubpath(ws.root, abs) ? relative(ws.root, abs) || '.' : abs;
}
