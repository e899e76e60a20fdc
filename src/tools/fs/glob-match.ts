/**
 * Glob → RegExp for the `glob` tool and `.gitignore` handling. Supports `**`, `*`, `?`,
 * `[…]` (with `!`/`^` negation) and `{a,b}`. Paths use `/` separators.
 */

/** Compiles `glob` to a RegExp that matches a whole relative path. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let i = 0;
  let braceDepth = 0;
  while (i < glob.length) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const before = i === 0 || glob[i - 1] === '/';
        const after = glob[i + 2] === '/' || i + 2 >= glob.length;
        if (before && after) {
          if (glob[i + 2] === '/') {
            re += '(?:.*/)?';
            i += 3;
          } else {
            re += '.*';
            i += 2;
          }
          continue;
        }
        re += '[^/]*';
        i += 2;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      braceDepth++;
      re += '(?:';
    } else if (c === '}' && braceDepth > 0) {
      braceDepth--;
      re += ')';
    } else if (c === ',' && braceDepth > 0) re += '|';
    else if (c === '\\' && i + 1 < glob.length) {
      i++;
      re += (glob[i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    i++;
  }
  while (braceDepth-- > 0) re += ')';
  try {
    return new RegExp(`^${re}$`);
  } catch {
    return /^\b$/; // never matches
  }
}

/** One `.gitignore` rule. */
export interface IgnoreRule {
  /** Directory (relative to the walk root, '' for the root) holding the .gitignore. */
  base: string;
  re: RegExp;
  negate: boolean;
  dirOnly: boolean;
  /** Matches against the basename only (pattern had no slash). */
  basenameOnly: boolean;
}

/** Parses a `.gitignore` file's text. */
export function parseGitignore(text: string, base: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (let line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    line = line.replace(/(?<!\\)\s+$/, '');
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.slice(0, -1);
    }
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    if (line === '') continue;
    rules.push({ base, re: globToRegExp(line), negate, dirOnly, basenameOnly: !anchored });
  }
  return rules;
}

/** Whether `rel` (relative to the walk root) is ignored by `rules` (last match wins). */
export function isIgnored(rules: readonly IgnoreRule[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  for (const r of rules) {
    if (r.dirOnly && !isDir) continue;
    if (r.base !== '' && !rel.startsWith(`${r.base}/`)) continue;
    const local = r.base === '' ? rel : rel.slice(r.base.length + 1);
    if (r.basenameOnly ? r.re.test(name) : r.re.test(local)) ignored = !r.negate;
  }
  return ignored;
}
