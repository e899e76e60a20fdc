/**
 * The git part of the destructive-command family (destructive.ts): which git invocations destroy
 * uncommitted work, history or a remote's branches, judged on literal words, with git's global
 * options skipped and long options abbreviated as git accepts (`--har`). Also the flag helpers
 * the rest of the family shares.
 */

export function baseName(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}

/** `--name` is `long` or a git/GNU-style abbreviation of it (two letters at least). */
export function longIs(arg: string, long: string): boolean {
  if (!arg.startsWith('--')) return false;
  const name = arg.slice(2).split('=')[0] as string;
  return name.length >= 2 && long.startsWith(name);
}

/** A short-flag group (`-fdx`) containing `flag`, before any `--`. */
export function shortHas(args: readonly string[], flag: string): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (/^-[A-Za-z0-9]+$/.test(a) && a.slice(1).includes(flag)) return true;
  }
  return false;
}

export function anyLong(args: readonly string[], ...longs: string[]): boolean {
  const end = args.indexOf('--');
  const opts = end >= 0 ? args.slice(0, end) : args;
  return opts.some((a) => longs.some((l) => longIs(a, l)));
}

export const GIT_GLOBAL_ARG = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--exec-path',
  '--config-env',
]);

export function gitSubDestroys(sub: string, args: readonly string[]): string {
  const positional = args.filter((a) => !a.startsWith('-'));
  switch (sub) {
    case 'clean':
      return shortHas(args, 'n') || anyLong(args, 'dry-run') ? '' : 'git clean';
    case 'reset':
      return anyLong(args, 'hard') ? 'git reset --hard' : anyLong(args, 'merge') ? 'git reset --merge' : '';
    case 'checkout': {
      const dd = args.indexOf('--');
      if (dd >= 0 && dd < args.length - 1) return 'git checkout -- <paths>';
      if (shortHas(args, 'f') || anyLong(args, 'force', 'ours', 'theirs')) return 'git checkout --force';
      if (
        positional.some(
          (p) => p === '.' || p === '..' || p.startsWith('./') || p.startsWith(':') || /[*?[]/.test(p),
        )
      )
        return 'git checkout <paths>';
      const creates = shortHas(args, 'b') || shortHas(args, 'B') || anyLong(args, 'orphan');
      return !creates && positional.length >= 2 ? 'git checkout <tree> <paths>' : '';
    }
    case 'restore': {
      const staged = shortHas(args, 'S') || anyLong(args, 'staged');
      const worktree = shortHas(args, 'W') || anyLong(args, 'worktree');
      return staged && !worktree ? '' : 'git restore';
    }
    case 'switch':
      return shortHas(args, 'f') || anyLong(args, 'force', 'discard-changes')
        ? 'git switch --discard-changes'
        : '';
    case 'push':
      if (shortHas(args, 'f') || anyLong(args, 'force', 'force-with-lease', 'force-if-includes'))
        return 'git push --force';
      if (anyLong(args, 'mirror', 'delete', 'prune') || shortHas(args, 'd')) return 'git push --delete';
      return positional.slice(1).some((p) => p.startsWith('+') || p.startsWith(':'))
        ? 'git push +/:refspec'
        : '';
    case 'branch':
      if (shortHas(args, 'D') || shortHas(args, 'M') || shortHas(args, 'C')) return 'git branch -D';
      // `git branch -f main HEAD~3` moves a branch away from its commits.
      if (!shortHas(args, 'd') && !anyLong(args, 'delete') && (shortHas(args, 'f') || anyLong(args, 'force')))
        return 'git branch --force';
      return (shortHas(args, 'd') || anyLong(args, 'delete')) &&
        (shortHas(args, 'f') || anyLong(args, 'force'))
        ? 'git branch --delete --force'
        : '';
    case 'stash':
      return positional[0] === 'drop' || positional[0] === 'clear' ? `git stash ${positional[0]}` : '';
    case 'rm':
      return anyLong(args, 'cached') ? '' : 'git rm';
    case 'reflog':
      return positional[0] === 'expire' || positional[0] === 'delete' ? `git reflog ${positional[0]}` : '';
    case 'update-ref':
      return shortHas(args, 'd') ? 'git update-ref -d' : '';
    case 'filter-branch':
    case 'filter-repo':
      return `git ${sub}`;
    case 'worktree':
      return positional[0] === 'remove' && (shortHas(args, 'f') || anyLong(args, 'force'))
        ? 'git worktree remove --force'
        : '';
    case 'submodule':
      return positional[0] === 'deinit' && (shortHas(args, 'f') || anyLong(args, 'force', 'all'))
        ? 'git submodule deinit --force'
        : '';
    case 'gc':
      return args.some((a) => /^--prune=(now|all)$/.test(a)) ? 'git gc --prune=now' : '';
    default:
      return '';
  }
}

/** `git [global options] SUB ARGS…` (also `-c alias.x=…` definitions). */
export function gitDestroys(args: readonly string[], nested: (script: string) => string): string {
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-c' || a.startsWith('--config-env')) {
      const kv = a === '-c' ? (args[i + 1] ?? '') : '';
      const m = /^alias\.[^=]*=(.*)$/is.exec(kv);
      if (m) {
        const value = (m[1] as string).trim();
        const why = value.startsWith('!') ? nested(value.slice(1)) : gitDestroys(value.split(/\s+/), nested);
        if (why) return `a git alias for ${why}`;
      }
    }
    if (GIT_GLOBAL_ARG.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith('-')) break;
  }
  const sub = args[i];
  if (sub === undefined) return '';
  // `--hard` with any subcommand (an autocorrected `git rest --hard`, a repository alias).
  if (args.slice(i + 1).includes('--hard'))
    return gitSubDestroys(sub, args.slice(i + 1)) || `git ${sub} --hard`;
  return gitSubDestroys(sub, args.slice(i + 1));
}

/** git subcommands that destroy data with some argument. */
export const GIT_RISKY_SUBS = new Set([
  'clean',
  'reset',
  'checkout',
  'restore',
  'switch',
  'push',
  'branch',
  'stash',
  'rm',
  'reflog',
  'update-ref',
  'worktree',
  'submodule',
  'gc',
]);
