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
 * - git: `clean` (not `-n`), `reset --hard/--merge`, `checkout` of paths (`--`, `.`, `-f`, an
 *   operand that exists in the workdir), `read-tree -u`,
 *   `restore` of the worktree, `switch --discard-changes/-f`, `push --force/-f/--force-with-lease/
 *   --mirror/--delete/+ref/:ref`, `branch -D/-M/-C` (or `-d --force`), `stash drop/clear`,
 *   `rm` (not `--cached`), `reflog expire/delete`, `update-ref -d`, `filter-branch`, and
 *   configuration that names a program (`-c core.fsmonitor=…`, `git config alias.x '!…'`; see
 *   destructive-git.ts). Long options may be abbreviated, as git accepts (`--har`);
 * - `dd of=…`, `mkfs*`, `mke2fs`, `mkswap`, `wipefs`, `fdisk`, `sfdisk`, `parted`, `blkdiscard`,
 *   `shred`, `truncate`;
 * - `chmod/chown/chgrp -R` on a broad path (`/`, `~`, `.`, `..`, `*`, a top-level directory, the
 *   workspace or above it, or a computed one);
 * - `rsync --delete*` / `--remove-source-files`, `tar --remove-files`, `zip -m`, `rimraf`/`del-cli`;
 * - `xargs -I{} sh -c '… {}'` (the input becomes script text);
 * - any of these with an argument bash computes at run time (`rm -r$o x`), and `xargs rm`.
 * Not in the family: `mv`/`cp` onto existing files and `>` redirections, truncation (`: > f`,
 * `cp /dev/null f`, `ln -sf /dev/null f`) — everyday edits, the same as an edit tool's writes,
 * which full-auto allows — plain `rm`, `rmdir`, `unlink`.
 */
import { posix } from 'node:path';
import { gitDestroys } from './destructive-git.js';
import { DELETION_API } from './destructive-runtime.js';
import { baseName, longIs, optionsOf, shortHas } from './flag-match.js';

export { gitLike } from './destructive-git.js';

/**
 * rm's force: `-f` in a short group, `--force` (or `--no-preserve-root`), before `--`; any
 * unambiguous prefix counts, as getopt_long reads it (`--f`).
 */
function rmForced(args: readonly string[]): boolean {
  return (
    shortHas(args, 'f') ||
    optionsOf(args).some((a) => longIs(a, 'force', 1) || longIs(a, 'no-preserve-root', 1))
  );
}

// find's primaries that take one value: a quoted run-time value there cannot become an action.
const FIND_VALUE =
  /^-(i?name|i?path|i?wholename|i?regex|i?lname|type|xtype|newer\w*|maxdepth|mindepth|size|[acm](time|min)|user|group|uid|gid|perm|regextype|links|inum|samefile|printf|fprintf?)$/;

const DELETERS = new Set(['rm', 'shred', 'unlink', 'rmdir', 'truncate', 'dd']);

function findDestroys(
  args: readonly string[],
  computed: readonly boolean[],
  quoted: readonly boolean[],
): string {
  if (args.includes('-delete')) return 'find -delete';
  const loose = computed.findIndex((c, k) => c && !(quoted[k] && FIND_VALUE.test(args[k - 1] ?? '')));
  if (loose >= 0) return 'find with an argument computed at run time';
  let action = '';
  for (const a of args) {
    if (['-exec', '-execdir', '-ok', '-okdir'].includes(a)) action = a;
    else if (a === ';' || a === '+') action = '';
    // Any word of the action (`-exec busybox rm {} ;`, `-exec /bin/rm {} +`).
    else if (action && DELETERS.has(baseName(a))) return `find ${action} ${baseName(a)}`;
  }
  return '';
}

/**
 * A path that a recursive chmod/chown on would reach far beyond one project directory: `/`, `~`,
 * `.` (`./`, `.//`), `..`, a glob, a computed one, a top-level directory, the workspace itself
 * or a directory above it (by absolute path, at any depth).
 */
function isBroadPath(p: string, workspace?: string): boolean {
  if (p === '' || /[*?[~$`]/.test(p)) return true;
  const norm = posix.normalize(p).replace(/(.)\/+$/, '$1');
  if (norm === '.' || norm === '..' || norm.startsWith('../')) return true;
  if (workspace && norm.startsWith('/') && (workspace === norm || workspace.startsWith(`${norm}/`)))
    return true;
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
  // `pnpm dlx rimraf`, `yarn dlx rimraf` (`npm exec rimraf` is found after `exec`).
  'dlx',
]);

/** Whether the family member at `argv[i]` may be run (see {@link LAUNCHER_WORDS}). */
export function atCommandPosition(argv: readonly string[], i: number): boolean {
  if (i === 0) return true;
  const name = baseName(argv[i] as string);
  if (name === 'rm' || name === 'git') return true;
  return argv.slice(0, i).some((w) => LAUNCHER_WORDS.has(baseName(w)));
}

/** Facts about each word of an argv (aligned with it): for words bash computes at run time. */
export interface WordFacts {
  /** The word's value exists only at run time (expansion, substitution, glob, tilde). */
  computed?: readonly boolean[];
  /** The word is one quoted string (never split into more words). */
  quoted?: readonly boolean[];
  /** The workspace's real path (a recursive chmod of it, or of a directory above it, is broad). */
  workspace?: string;
  /** The command's working directory (`git checkout X` is of a path when X exists there). */
  cwd?: string;
  /** Directories a `cd` of the same script may have moved to; null when one is computed. */
  cwds?: string[] | null;
}

/** Why a family member with a word computed at run time (`rm -r$o x`, `dd $a`) asks, or ''. */
function computedArgs(name: string, args: readonly string[], computed: readonly boolean[]): string {
  if (!computed.some(Boolean)) return '';
  if (name === 'rm') {
    // After a literal `--` every word is a file name.
    const end = args.indexOf('--');
    return computed.some((c, k) => c && (end < 0 || k < end)) ? 'rm with arguments computed at run time' : '';
  }
  if (['dd', 'rsync', 'chmod', 'chown', 'chgrp'].includes(name))
    return `${name} with arguments computed at run time`;
  return '';
}

/**
 * Why the command starting at `argv[0]` is destructive ('' when it is not). `facts` describes
 * words computed at run time (a family member with one asks, see {@link computedArgs}).
 */
export function destructiveAt(argv: readonly string[], facts: WordFacts = {}): string {
  const [head, ...args] = argv;
  if (head === undefined) return '';
  const name = baseName(head);
  const computed = (facts.computed ?? []).slice(1, argv.length);
  const quoted = (facts.quoted ?? []).slice(1, argv.length);
  switch (name) {
    case 'rm':
      return rmForced(args) ? 'forced rm' : computedArgs(name, args, computed);
    case 'find':
      return findDestroys(args, computed, quoted);
    case 'git':
      return gitDestroys(args, computed, facts.cwd, facts.cwds);
    case 'tar':
      // GNU tar accepts any unambiguous prefix (`--remove`).
      return optionsOf(args).some((a) => longIs(a, 'remove-files', 3)) ? 'tar --remove-files' : '';
    case 'zip':
      return shortHas(args, 'm') || optionsOf(args).some((a) => longIs(a, 'move', 3))
        ? 'zip -m (moves files into the archive)'
        : '';
    case 'dd':
      return args.some((a) => a.startsWith('of=')) ? 'dd of=' : computedArgs(name, args, computed);
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
      const opts = optionsOf(args);
      if (!shortHas(args, 'R') && !opts.some((a) => longIs(a, 'recursive', 3))) return '';
      const operands = args.filter((a) => !a.startsWith('-'));
      // chmod MODE PATH… / chown OWNER PATH… (the first operand is not a path).
      return operands.slice(1).some((p) => isBroadPath(p, facts.workspace)) || operands.length < 2
        ? `${name} -R on a broad path`
        : computedArgs(name, args, computed);
    }
    case 'rsync':
      return args.some((a) => a.startsWith('--del') || a === '--remove-source-files')
        ? 'rsync --delete'
        : computedArgs(name, args, computed);
    default:
      if (name.startsWith('mkfs')) return name;
      // Node's deleting CLIs, also as `npx rimraf@5`, `pnpm dlx del-cli`.
      return /^(rimraf|del-cli|trash-cli)(@[\w.^~-]*)?$/.test(name) ? name.replace(/@.*/, '') : '';
  }
}

const FAMILY = new Set(['rm', 'find', 'git', 'dd', 'chmod', 'chown', 'chgrp', 'rsync', 'shred', 'truncate']);

/**
 * `xargs rm`, `parallel git`: the arguments arrive on stdin, so flags may too (`echo -rf x |
 * xargs rm`). Asks unless a literal `--` after the family member makes them all operands.
 */
export function feedsArguments(argv: readonly string[]): string {
  const at = argv.findIndex((w) => w === 'xargs' || w === 'parallel' || w.endsWith('/xargs'));
  if (at < 0) return '';
  // `xargs -I{} sh -c "> {}"`: the input becomes part of the script, which is then any script.
  const repl = replaceString(argv.slice(at + 1), baseName(argv[at] as string));
  if (repl)
    for (let j = at + 1; j < argv.length - 1; j++)
      if (
        SCRIPT_SHELLS.has(baseName(argv[j] as string)) &&
        argv.slice(j + 1).some((w, k, rest) => /^-[A-Za-z]*c$/.test(w) && (rest[k + 1] ?? '').includes(repl))
      )
        return `${baseName(argv[at] as string)} puts its input into a ${baseName(argv[j] as string)} -c script`;
  for (let j = at + 1; j < argv.length; j++) {
    const name = baseName(argv[j] as string);
    if (FAMILY.has(name) && !argv.slice(j + 1).includes('--'))
      return `${baseName(argv[at] as string)} ${name} (arguments, flags too, from stdin)`;
  }
  return '';
}

const SCRIPT_SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash']);

/** The string xargs (`-I R`, `-IR`, `-i`, `--replace`) or parallel (`{}`) replaces with input. */
function replaceString(args: readonly string[], tool: string): string {
  if (tool === 'parallel') return '{';
  for (let k = 0; k < args.length; k++) {
    const a = args[k] as string;
    if (a === '-I') return args[k + 1] ?? '';
    if (/^-I./.test(a)) return a.slice(2);
    if (a === '-i' || a === '--replace') return '{}';
    if (a.startsWith('--replace=') || /^-i./.test(a)) return a.slice(a.startsWith('-i') ? 2 : 10);
    if (!a.startsWith('-')) break;
  }
  return '';
}

/** Command names of the family (a cheap filter for strings that may be scripts). */
export const DESTRUCTIVE_NAMES =
  /(^|[^\w.-])(rm|find|git|dd|shred|truncate|mkfs[\w.]*|mke2fs|mkswap|wipefs|fdisk|sfdisk|parted|blkdiscard|chmod|chown|chgrp|rsync)([^\w.-]|$)/;

/**
 * A text scan for scripts that cannot be parsed (syntax errors, code for another interpreter):
 * a family name and one of its destructive flags or subcommands anywhere in the text.
 */
export function rawLooksDestructive(text: string): boolean {
  // Deleting calls in code for an interpreter (`shutil.rmtree`, `fs.rmSync`, `unlink`…).
  if (DELETION_API.test(text)) return true;
  if (!DESTRUCTIVE_NAMES.test(text)) return false;
  if (/(^|[^\w.-])rm([^\w.-]|$)/.test(text) && /(^|[\s'"=,{])(-[A-Za-z]*f|--f)/.test(text)) return true;
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
