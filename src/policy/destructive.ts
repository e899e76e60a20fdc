/**
 * The destructive-command family (issue 13 §1): commands that destroy data the sandbox does not
 * protect — the workspace itself, uncommitted work, git history on a remote — and so always ask,
 * even in full-auto. Judged on the words of one simple command of the bash parse; the caller
 * (command-safety.ts) finds every simple command of a script, including `bash -c` strings, loop
 * bodies, substitutions and text piped to a shell.
 *
 * Every position of a command is tried as the start of a command, so launchers in front
 * (`sudo`, `env -i`, `nice -n 5`, `timeout 9`, `xargs -0`, `find -exec`, `nohup`…) need no
 * modelling: `xargs -0 shred` is found at `shred`. The family, and why:
 * - `rm` with a force flag (Codex's rule; plain `rm` asks the user on write-protected files);
 * - `find … -delete`, or `-exec/-execdir/-ok` of a deleting command;
 * - git: `clean` (not `-n`), `reset --hard/--merge`, `checkout` of paths (`--`, `.`, `-f`),
 *   `restore` of the worktree, `switch --discard-changes/-f`, `push --force/-f/--force-with-lease/
 *   --mirror/--delete/+ref/:ref`, `branch -D/-M/-C` (or `-d --force`), `stash drop/clear`,
 *   `rm` (not `--cached`), `reflog expire/delete`, `update-ref -d`, `filter-branch`, and
 *   `-c alias.*` definitions that expand to any of these. Long options may be abbreviated, as
 *   git accepts (`--har`);
 * - `dd of=…`, `mkfs*`, `mke2fs`, `mkswap`, `wipefs`, `fdisk`, `sfdisk`, `parted`, `blkdiscard`,
 *   `shred`, `truncate`;
 * - `chmod/chown/chgrp -R` on a broad path (`/`, `~`, `.`, `..`, `*`, a top-level directory or a
 *   computed one);
 * - `rsync --delete*` / `--remove-source-files`.
 * Not in the family: `mv`/`cp` onto existing files and `>` redirections (everyday edits, the same
 * as an edit tool's writes, which full-auto allows), plain `rm`, `rmdir`, `unlink`.
 */
import { posix } from 'node:path';
import {
  anyLong,
  baseName,
  GIT_GLOBAL_ARG,
  GIT_RISKY_SUBS,
  gitDestroys,
  gitSubDestroys,
  shortHas,
} from './destructive-git.js';

/** rm's force: `-f` in a short group, `--force` (or `--no-preserve-root`), before `--`. */
function rmForced(args: readonly string[]): boolean {
  return shortHas(args, 'f') || anyLong(args, 'force', 'no-preserve-root');
}

const DELETERS = new Set(['rm', 'shred', 'unlink', 'rmdir', 'truncate', 'dd']);

function findDestroys(args: readonly string[]): string {
  if (args.includes('-delete')) return 'find -delete';
  let action = '';
  for (const a of args) {
    if (['-exec', '-execdir', '-ok', '-okdir'].includes(a)) action = a;
    else if (a === ';' || a === '+') action = '';
    // Any word of the action (`-exec busybox rm {} ;`, `-exec /bin/rm {} +`).
    else if (action && DELETERS.has(baseName(a))) return `find ${action} ${baseName(a)}`;
  }
  return '';
}

// git's global options that take a separate value.
/** A path that a recursive chmod/chown on would reach far beyond one project directory. */
function isBroadPath(p: string): boolean {
  if (p === '' || /[*?[~$`]/.test(p)) return true;
  const norm = posix.normalize(p).replace(/(.)\/+$/, '$1');
  if (norm === '.' || norm === '..' || norm.startsWith('../')) return true;
  return norm.startsWith('/') && norm.split('/').filter(Boolean).length <= 2;
}

/**
 * Words after which the next non-option word may be a command: launchers, runners, `find`'s
 * actions. A family member later in a command counts only after one of them (`sudo shred x`, not
 * `grep -rn shred src`); `rm` and `git` count anywhere, as they always did.
 */
export const LAUNCHER_WORDS = new Set([
  'sudo',
  'doas',
  'su',
  'runuser',
  'setpriv',
  'env',
  'xargs',
  'parallel',
  'nice',
  'ionice',
  'chrt',
  'taskset',
  'timeout',
  'time',
  'nohup',
  'setsid',
  'stdbuf',
  'unbuffer',
  'exec',
  'command',
  'builtin',
  'find',
  'busybox',
  'toybox',
  'flock',
  'watch',
  'chroot',
  'unshare',
  'nsenter',
  'strace',
  'ltrace',
  'caffeinate',
  'npx',
  'pnpx',
  'bunx',
  'uvx',
  'pipx',
  'run',
]);

/** Whether the family member at `argv[i]` may be run (see {@link LAUNCHER_WORDS}). */
export function atCommandPosition(argv: readonly string[], i: number): boolean {
  if (i === 0) return true;
  const name = baseName(argv[i] as string);
  if (name === 'rm' || name === 'git') return true;
  return argv.slice(0, i).some((w) => LAUNCHER_WORDS.has(baseName(w)));
}

/** Why the command starting at `argv[0]` is destructive ('' when it is not). */
export function destructiveAt(
  argv: readonly string[],
  nested: (script: string) => string = () => '',
): string {
  const [head, ...args] = argv;
  if (head === undefined) return '';
  const name = baseName(head);
  switch (name) {
    case 'rm':
      return rmForced(args) ? 'forced rm' : '';
    case 'find':
      return findDestroys(args);
    case 'git':
      return gitDestroys(args, nested);
    case 'dd':
      return args.some((a) => a.startsWith('of=')) ? 'dd of=' : '';
    case 'shred':
    case 'truncate':
    case 'mke2fs':
    case 'mkswap':
    case 'wipefs':
    case 'fdisk':
    case 'sfdisk':
    case 'parted':
    case 'blkdiscard':
      return name;
    case 'chmod':
    case 'chown':
    case 'chgrp': {
      if (!shortHas(args, 'R') && !anyLong(args, 'recursive')) return '';
      const operands = args.filter((a) => !a.startsWith('-'));
      // chmod MODE PATH… / chown OWNER PATH… (the first operand is not a path).
      return operands.slice(1).some(isBroadPath) || operands.length < 2 ? `${name} -R on a broad path` : '';
    }
    case 'rsync':
      return args.some((a) => a.startsWith('--del') || a === '--remove-source-files') ? 'rsync --delete' : '';
    default:
      return name.startsWith('mkfs') ? name : '';
  }
}

/** Family members whose destructive forms are chosen by their arguments. */
const ARG_DRIVEN = new Set(['rm', 'find', 'dd', 'rsync']);
/** find options whose value is never an action (`find . -name "$pat"` cannot become `-delete`). */
const FIND_VALUE_OPTS = new Set([
  '-name',
  '-iname',
  '-path',
  '-ipath',
  '-wholename',
  '-regex',
  '-iregex',
  '-newer',
  '-type',
  '-maxdepth',
  '-mindepth',
  '-size',
  '-perm',
  '-user',
  '-group',
  '-mtime',
  '-mmin',
  '-printf',
]);

/**
 * Why a family member at `argv[0]` is destructive when some of its words (`computed[i]` true for
 * `argv[i]`) are only known at run time (`rm $opts x`, `git reset $MODE`, `find . $ACTION`), or ''.
 */
export function computedArgsDestroy(argv: readonly string[], computed: readonly boolean[]): string {
  const name = baseName(argv[0] ?? '');
  if (name === 'find') computed = computed.map((c, i) => c && !FIND_VALUE_OPTS.has(argv[i - 1] ?? ''));
  if (!computed.slice(1).some(Boolean)) return '';
  if (ARG_DRIVEN.has(name)) return `${name} with arguments computed at run time`;
  if (name !== 'git') return '';
  // The subcommand: the first word that is neither an option nor a global option's value.
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (computed[i]) return 'git with a subcommand computed at run time';
    if (GIT_GLOBAL_ARG.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return GIT_RISKY_SUBS.has(a) ? `git ${a} with arguments computed at run time` : '';
  }
  return '';
}

/** Command names of the family (a cheap filter for strings that may be scripts). */
export const DESTRUCTIVE_NAMES =
  /(^|[^\w.-])(rm|find|git|dd|shred|truncate|mkfs[\w.]*|mke2fs|mkswap|wipefs|fdisk|sfdisk|parted|blkdiscard|chmod|chown|chgrp|rsync)([^\w.-]|$)/;

/**
 * Deleting calls in code given to an interpreter (`python3 -c "import shutil; shutil.rmtree('src')"`,
 * `node -e "fs.rmSync('src',{recursive:true})"`, `perl -e 'unlink …'`, `ruby -e 'FileUtils.rm_rf …'`).
 */
export const INTERPRETER_DELETES =
  /\b(rmtree|os\.remove|os\.unlink|os\.rmdir|removedirs|unlinkSync|rmSync|rmdirSync|fs\.rm|fs\.unlink|rm_rf|rm_r|FileUtils\.rm|remove_dir_all|remove_file|rimraf|unlink\b|\.unlink\(|File\.delete|Files\.delete)/;

/**
 * A text scan for scripts that cannot be parsed (syntax errors, code for another interpreter):
 * a family name and one of its destructive flags or subcommands anywhere in the text.
 */
export function rawLooksDestructive(text: string): boolean {
  if (INTERPRETER_DELETES.test(text)) return true;
  if (!DESTRUCTIVE_NAMES.test(text)) return false;
  if (/(^|[^\w.-])rm([^\w.-]|$)/.test(text) && /(^|[\s'"=])(-[A-Za-z]*f|--f)/.test(text)) return true;
  if (
    /(^|[^\w.-])git([^\w.-]|$)/.test(text) &&
    /(clean|reset|checkout|restore|push|branch|stash|filter-)/.test(text)
  )
    return /(--hard|--force|-f\b|-[A-Za-z]*[fDM]\b|clean|restore|drop|clear|--mirror|--delete|filter-| -- )/.test(
      text,
    );
  return /(-delete|\bof=|\bshred\b|\btruncate\b|\bmkfs|\bwipefs\b|--delete|-R\b|--recursive|\bmke2fs\b|\bmkswap\b)/.test(
    text,
  );
}

const FORCE_GROUP = /^-[rRdfviI]*f[rRdfviI]*$/;

/**
 * For a command whose name bash computes at run time (`$RM -rf x`, `$G reset --hard`): whether
 * its arguments look like a destructive command's (rm's force flags, a destructive git
 * subcommand, `-delete`, `of=`).
 */
export function computedHeadDestroys(args: readonly (string | null)[]): string {
  const values = args.map((a) => a ?? '');
  if (values.some((v) => FORCE_GROUP.test(v) || v === '--force'))
    return 'a computed command with force flags';
  const sub = gitSubDestroys(values[0] ?? '', values.slice(1));
  if (sub) return `a computed command like ${sub}`;
  if (values.some((v) => v === '-delete' || v.startsWith('of='))) return 'a computed command that deletes';
  return '';
}
