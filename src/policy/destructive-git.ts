/**
 * git in the destructive-command family (see destructive.ts): subcommands that destroy work, the
 * configuration that names programs git runs (`-c core.fsmonitor=…`, `git config alias.x '!…'`),
 * and arguments bash computes at run time where they could be any of these.
 */
import { lstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { anyLong, longIs, optionsOf, shortHas } from './flag-match.js';

/** Whether `operand` names something in `cwd` (a cheap stat, no git process). */
function existsIn(operand: string, cwd: string | undefined): boolean {
  try {
    return lstatSync(resolve(cwd ?? process.cwd(), operand), { throwIfNoEntry: false }) !== undefined;
  } catch {
    return true; // unreadable: it may be a path
  }
}

// git's global options that take a separate value.
const GIT_GLOBAL_ARG = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env']);

/**
 * Configuration keys that never name a program or change which command runs. Every other key
 * may (`core.fsmonitor`, `core.pager`, `diff.external`, `filter.*.smudge`, `alias.*`,
 * `help.autocorrect`, `include.path`…), so setting it with `-c` or `git config` asks.
 */
const HARMLESS_CONFIG =
  /^(user\.(name|email)|color\.[\w.-]+|advice\.\w+|log\.\w+|init\.defaultbranch|(commit|tag)\.gpgsign|core\.(quotepath|autocrlf|abbrev|safecrlf|filemode|ignorecase|eol)|pull\.(rebase|ff)|push\.(default|autosetupremote)|fetch\.prune|merge\.(ff|conflictstyle)|rebase\.(autostash|autosquash)|status\.\w+|diff\.(noprefix|renames|algorithm|colormoved|context)|format\.pretty|i18n\.\w+|gc\.auto|maintenance\.auto|protocol\.version)$/i;

/** Subcommands whose run-time arguments cannot make them destroy anything. */
const COMPUTED_ARGS_OK = new Set([
  'add',
  'commit',
  'log',
  'show',
  'diff',
  'status',
  'fetch',
  'blame',
  'grep',
  'ls-files',
  'rev-parse',
  'describe',
  'shortlog',
  'merge-base',
  'cat-file',
  'rev-list',
  'init',
  'clone',
]);

/** `git clean` deletes unless the last of `-n`/`--dry-run`/`--no-dry-run` asks for a dry run. */
function cleanIsDry(args: readonly string[]): boolean {
  let dry = false;
  for (const a of optionsOf(args)) {
    if (/^-[A-Za-z]+$/.test(a) && a.includes('n')) dry = true;
    else if (longIs(a, 'dry-run')) dry = true;
    else if (longIs(a, 'no-dry-run', 4)) dry = false;
  }
  return dry;
}

function gitSubDestroys(sub: string, args: readonly string[], cwd?: string, cwds?: string[] | null): string {
  const positional = args.filter((a) => !a.startsWith('-'));
  switch (sub) {
    case 'clean':
      return cleanIsDry(args) ? '' : 'git clean';
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
      const creates =
        shortHas(args, 'b') ||
        shortHas(args, 'B') ||
        shortHas(args, 't') ||
        anyLong(args, 'orphan', 'track', 'detach');
      if (creates) return '';
      if (positional.length >= 2) return 'git checkout <tree> <paths>';
      // One operand: git takes it as a path (discarding its changes) when no branch or commit has
      // that name. It is one only if it exists in the working directory (`git checkout src/a.ts`);
      // `feature/login`, `release/1.2`, `v1.2.0`, `HEAD~1` that name no file are branch switches.
      const only = positional[0];
      if (only === undefined || only === '-') return '';
      // After a computed `cd` (or with --work-tree) the directory is not known: one that looks
      // like a file (`src/a.ts`, `README.md`) asks, as before.
      if (cwds === null && (only.includes('/') || /[^.]\.[A-Za-z0-9]+$/.test(only)))
        return 'git checkout <path?>';
      return [cwd, ...(cwds ?? [])].some((d) => existsIn(only, d)) ? 'git checkout <path>' : '';
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
    case 'read-tree':
      // `-u` with `--reset` or `-m` updates the working tree to the read tree.
      return shortHas(args, 'u') ? 'git read-tree -u' : '';
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
    case 'config':
      return configWrites(args);
    default:
      return '';
  }
}

/** Why setting `key` to `value` (in `-c` or `git config`) needs approval, or ''. */
function configProblem(key: string, value: string): string {
  const alias = /^alias\.(.*)$/is.exec(key);
  if (alias) {
    if (value.trim().startsWith('!')) return `a git alias that runs a shell command (${key})`;
    const why = gitDestroys(value.trim().split(/\s+/));
    return why ? `a git alias for ${why}` : '';
  }
  return HARMLESS_CONFIG.test(key) ? '' : `git configuration that may name a program (${key})`;
}

// `git config` options that take a separate value.
const CONFIG_ARG = new Set(['-f', '--file', '--blob', '--default', '--type', '--comment', '--value']);
const CONFIG_READS =
  /^--(get|get-all|get-regexp|get-urlmatch|list|unset|unset-all|show-origin|show-scope|name-only|null)/;
const CONFIG_VERBS = new Set([
  'get',
  'list',
  'unset',
  'rename-section',
  'remove-section',
  'get-color',
  'get-colorbool',
]);

/** `git config KEY VALUE` / `git config set KEY VALUE`: a write of a key that may name a program. */
function configWrites(args: readonly string[]): string {
  const positional: string[] = [];
  let reads = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (CONFIG_ARG.has(a)) i++;
    else if (a === '-l' || CONFIG_READS.test(a)) reads = true;
    else if (a === '-e' || longIs(a, 'edit')) return 'git config --edit (runs an editor)';
    else if (!a.startsWith('-')) positional.push(a);
  }
  if (positional[0] === 'edit') return 'git config edit (runs an editor)';
  if (CONFIG_VERBS.has(positional[0] as string)) return '';
  if (positional[0] === 'set') positional.shift();
  if (reads || positional.length < 2) return '';
  return configProblem(positional[0] as string, positional.slice(1).join(' '));
}

/** `-c KEY=VALUE` (also attached, `-cKEY=VALUE`). */
function dashC(kv: string): string {
  const eq = kv.indexOf('=');
  return configProblem(eq >= 0 ? kv.slice(0, eq) : kv, eq >= 0 ? kv.slice(eq + 1) : 'true');
}

/**
 * `git [global options] SUB ARGS…`. `computed[k]` says that `args[k]` exists only at run time:
 * such a word in a global option, as the subcommand, or as an argument of a subcommand that can
 * destroy work, asks.
 */
export function gitDestroys(
  args: readonly string[],
  computed: readonly boolean[] = [],
  cwd?: string,
  cwdsIn?: string[] | null,
): string {
  let i = 0;
  let cwds = cwdsIn;
  const dirs: string[] = [];
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (computed[i] || (GIT_GLOBAL_ARG.has(a) && computed[i + 1])) return 'git with a computed option';
    if (a === '-c') {
      const why = dashC(args[i + 1] ?? '');
      if (why) return why;
    } else if (a.startsWith('-c') && !a.startsWith('--')) {
      const why = dashC(a.slice(2));
      if (why) return why;
    } else if (longIs(a, 'config-env')) return 'git --config-env (configuration from the environment)';
    else if (a.startsWith('--exec-path=')) return 'git --exec-path (runs programs from a directory)';
    // `git -C DIR`: paths are relative to DIR; `--work-tree`/`--git-dir`: not known here.
    if (a === '-C' && args[i + 1] !== undefined) dirs.push(args[i + 1] as string);
    if (a.startsWith('--work-tree') || a.startsWith('--git-dir')) cwds = null;
    if (GIT_GLOBAL_ARG.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith('-')) break;
  }
  const sub = args[i];
  if (sub === undefined) return '';
  const rest = args.slice(i + 1);
  if (!COMPUTED_ARGS_OK.has(sub) && computed.slice(i + 1).some(Boolean))
    return `git ${sub} with arguments computed at run time`;
  // `--hard` with any subcommand (an autocorrected `git rest --hard`, a repository alias).
  if (dirs.length > 0) {
    const from = (d: string | undefined) => dirs.reduce((at, c) => resolve(at, c), d ?? process.cwd());
    cwd = from(cwd);
    if (cwds) cwds = cwds.map(from);
  }
  if (rest.includes('--hard')) return gitSubDestroys(sub, rest, cwd, cwds) || `git ${sub} --hard`;
  return gitSubDestroys(sub, rest, cwd, cwds);
}

/** For a command whose name bash computes: arguments that look like a destructive git command. */
export function gitLike(values: readonly string[]): string {
  return gitSubDestroys(values[0] ?? '', values.slice(1));
}
