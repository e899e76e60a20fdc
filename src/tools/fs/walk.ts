/**
 * A bounded directory walk that honours `.gitignore` files (root and nested), always skips
 * `.git`, and never follows symlinked directories (no loops, no escapes from the workspace).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type IgnoreRule, isIgnored, parseGitignore } from './glob-match.js';

/** One file found by {@link walkFiles}. */
export interface WalkEntry {
  /** Path relative to the walk root, `/`-separated. */
  rel: string;
  abs: string;
}

/** Walk limits. */
export interface WalkOptions {
  /** Stop after visiting this many entries. */
  maxEntries?: number;
  signal?: AbortSignal;
}

/** Yields files under `root` (depth-first, sorted), skipping ignored paths. */
export function* walkFiles(root: string, opts: WalkOptions = {}): Generator<WalkEntry> {
  const maxEntries = opts.maxEntries ?? 200_000;
  let visited = 0;
  const stack: Array<{ dir: string; rel: string; rules: IgnoreRule[] }> = [{ dir: root, rel: '', rules: [] }];
  while (stack.length > 0) {
    const { dir, rel, rules: inherited } = stack.pop() as { dir: string; rel: string; rules: IgnoreRule[] };
    if (opts.signal?.aborted) return;
    let rules = inherited;
    try {
      rules = [...inherited, ...parseGitignore(readFileSync(join(dir, '.gitignore'), 'utf8'), rel)];
    } catch {
      /* no .gitignore here */
    }
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: Array<{ dir: string; rel: string; rules: IgnoreRule[] }> = [];
    for (const e of entries) {
      if (++visited > maxEntries) return;
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.name === '.git') continue;
      const isDir = e.isDirectory();
      if (isIgnored(rules, childRel, isDir)) continue;
      if (isDir) subdirs.push({ dir: join(dir, e.name), rel: childRel, rules });
      else if (e.isFile() || e.isSymbolicLink()) yield { rel: childRel, abs: join(dir, e.name) };
    }
    for (let k = subdirs.length - 1; k >= 0; k--)
      stack.push(subdirs[k] as { dir: string; rel: string; rules: IgnoreRule[] });
  }
}
