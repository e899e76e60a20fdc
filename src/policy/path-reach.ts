/**
 * Where the path arguments of a known-safe command really lead (issue 13 §1, §7). Static
 * classification sees `grep -r KEY p` or `cat p/self/environ`; only the file system knows that the
 * repository planted `p -> /proc`. So before a known-safe (or always-allowed) command runs
 * without approval, every argument that names an existing path — relative to the command's
 * working directory and to every directory a `cd` in it may enter — is resolved with realpath
 * (dangling links followed as far as they go; `link/..` as the kernel does: the parent of the
 * link's target). The command is not auto-approved when one leads:
 * - into `/proc`, `/sys` or `/dev` (other than `/dev/null`): other processes' environments and
 *   memory, kernel knobs, devices;
 * - to a dotenv file (unless `allowDotenv`) or a known secret location (`~/.ssh`, `~/.aws`,
 *   `/etc/shadow`, tether's own config directory, …);
 * - from inside the workspace, through a symlink, to anywhere outside it.
 * Recursive tools that would follow symlinks met inside a tree (`find -L`, `ls -RL`) are not
 * auto-approved at all: checking their roots is not enough, and the tree is never walked.
 * Only the arguments are looked at, a handful of realpath calls per command (no tree walk).
 */
import { lstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { isSubpath, realpathLoose } from '../tools/fs/workspace.js';
import { configDir } from '../util/paths.js';
import { isDotenvPath } from './sensitive-paths.js';

/** Commands whose arguments are never file names. */
const NO_PATH_ARGS = new Set([
  'echo',
  'expr',
  'false',
  'true',
  'seq',
  'tr',
  'which',
  'id',
  'whoami',
  'uname',
  'pwd',
]);

/** Secret locations below the home directory. */
const HOME_SECRETS = [
  '.ssh',
  '.aws',
  '.azure',
  '.gnupg',
  '.kube',
  '.docker',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
  '.password-store',
  '.vault-token',
  '.config/gcloud',
  '.config/gh',
  '.config/hub',
  '.local/share/keyrings',
  '.terraform.d',
  '.cargo/credentials',
  '.cargo/credentials.toml',
  '.gem/credentials',
];
/** Secret locations anywhere. */
const SYSTEM_SECRETS = [
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/ssh',
  '/etc/ssl/private',
  '/root',
  '/run/secrets',
  '/var/run/secrets',
];
const SPECIAL_FS = ['/proc', '/sys', '/dev'];
const HARMLESS_DEVICES = new Set(['/dev/null']);
const MAX_WORDS = 256;
const MAX_GROUP = 24;

/** The path a secret location really has (macOS: `/etc` is `/private/etc`). */
function realOr(p: string): string {
  try {
    return realpathLoose(p);
  } catch {
    return p;
  }
}

const secretCache = new Map<string, string[]>();

/** The secret locations, literal and real (cached per home and config dir: ~30 realpaths). */
function secretRoots(env: NodeJS.ProcessEnv): string[] {
  const home = env['HOME'] || homedir();
  const config = configDir(env);
  const key = `${home}\u0000${config}`;
  const cached = secretCache.get(key);
  if (cached) return cached;
  const roots = [...SYSTEM_SECRETS, ...HOME_SECRETS.map((s) => join(home, s)), config];
  const all = [...new Set(roots.flatMap((r) => [r, realOr(r)]))];
  if (secretCache.size > 16) secretCache.clear();
  secretCache.set(key, all);
  return all;
}

/**
 * The path the kernel reaches for `word` from `cwd`. `path.resolve` collapses `link/..`
 * lexically, but the kernel goes to the parent of wherever `link` points (`sub -> /proc/self/net`
 * makes `sub/..` the process's own /proc directory): the prefix before each `..` is resolved first.
 */
export function kernelPath(cwd: string, word: string): string {
  if (!word.includes('..')) return isAbsolute(word) ? resolve(word) : resolve(cwd, word);
  let cur = isAbsolute(word) ? '/' : cwd;
  for (const part of word.split('/')) {
    if (part === '' || part === '.') continue;
    cur = part === '..' ? dirname(realOr(cur)) : join(cur, part);
  }
  return cur;
}

/** Options for {@link pathReachProblem}. */
export interface PathReachContext {
  /** The command's working directory (absolute). */
  cwd: string;
  /** The workspace root (real path). */
  workspace: string;
  /** Dotenv files may be read (`allowDotenv`). */
  allowDotenv?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The words of one argument that may name a path: itself, a `--flag=` value, a `-fVALUE` value. */
function candidates(arg: string): string[] {
  // The whole word too, even when it looks like a flag: after `--` it is a file (`-k -> ~/.ssh`).
  const out = new Set<string>([arg]);
  const eq = arg.indexOf('=');
  if (eq >= 0) out.add(arg.slice(eq + 1));
  if (/^-[A-Za-z]/.test(arg) && !arg.startsWith('--')) {
    // Any suffix of a short-flag group may be an attached value (`-f.env`, `-nfp/x`).
    for (let i = 2; i < Math.min(arg.length, MAX_GROUP); i++) out.add(arg.slice(i));
    if (arg.length >= MAX_GROUP) out.add(arg.slice(2));
  }
  out.delete('');
  out.delete('-');
  return [...out];
}

/** A recursive walk that follows symlinks met inside the tree (names only, but unbounded). */
function followsLinksInTree(argv: readonly string[]): string {
  const [cmd, ...args] = argv;
  if (cmd === 'find' && args.some((a) => a === '-L' || a === '-follow'))
    return 'find follows symlinks inside the tree (-L/-follow)';
  if (cmd === 'ls') {
    const shorts = args.filter((a) => /^-[A-Za-z0-9]+$/.test(a)).join('');
    const recursive = shorts.includes('R') || args.includes('--recursive');
    const follow = shorts.includes('L') || args.includes('--dereference');
    if (recursive && follow) return 'ls -R follows symlinks inside the tree (-L)';
  }
  return '';
}

/** `p` is `root` or below it (both absolute and normalized; cheaper than path.relative). */
function under(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Why one resolved path must not be reached without approval, or ''. */
function placeProblem(
  word: string,
  lexical: string,
  reached: string,
  ctx: PathReachContext,
  secrets: string[],
): string {
  // A single name that does not exist goes through no link (and costs no exception to resolve).
  if (!word.includes('/') && lstatSync(reached, { throwIfNoEntry: false }) === undefined) return '';
  let real: string;
  try {
    real = realpathLoose(reached);
  } catch (err) {
    return `${word} cannot be resolved (${(err as Error).message})`;
  }
  if (HARMLESS_DEVICES.has(real)) return '';
  for (const fs of SPECIAL_FS) if (under(fs, real)) return `${word} leads into ${fs} (${real})`;
  if (!ctx.allowDotenv && real !== lexical && isDotenvPath(real))
    return `${word} is a link to the dotenv file ${basename(real)} (may hold secrets)`;
  const secret = secrets.find((s) => under(s, real));
  if (secret) return `${word} leads to ${secret} (secrets)`;
  if (real !== lexical && isSubpath(ctx.workspace, lexical) && !isSubpath(ctx.workspace, real))
    return `${word} is a symlink out of the workspace (to ${real})`;
  return '';
}

/**
 * Why the commands `argvs` (literal argv, in order) may reach a place that needs approval, or ''.
 * Reads the file system (lstat/readlink/realpath of each argument only).
 */
export function pathReachProblem(argvs: readonly (readonly string[])[], ctx: PathReachContext): string {
  const env = ctx.env ?? process.env;
  const secrets = secretRoots(env);
  const cwds = new Set([realOr(ctx.cwd)]);
  let words = 0;
  for (const argv of argvs) {
    const follow = followsLinksInTree(argv);
    if (follow) return follow;
    const cmd = argv[0];
    if (cmd === undefined || NO_PATH_ARGS.has(cmd)) continue;
    const args = argv.slice(1);
    words += args.length;
    if (words > MAX_WORDS) return `more than ${MAX_WORDS} arguments to check`;
    for (const arg of args) {
      for (const word of candidates(arg)) {
        for (const cwd of cwds) {
          const lexical = isAbsolute(word) ? resolve(word) : resolve(cwd, word);
          const why = placeProblem(word, lexical, kernelPath(cwd, word), ctx, secrets);
          if (why) return why;
        }
      }
    }
    // Later commands may run in any directory a `cd` entered (or in the one it failed to leave).
    if (cmd === 'cd') {
      const target = args.find((a) => !a.startsWith('-') || a === '-');
      // `cd -` goes to $OLDPWD, which the environment decides.
      if (target === '-') return 'cd - (to $OLDPWD)';
      // With CDPATH set, `cd name` may enter a directory found elsewhere (`CDPATH=~ cd .ssh`).
      if (env['CDPATH'] && target !== undefined && !/^\.{0,2}\//.test(target))
        return `cd ${target} with CDPATH set`;
      const home = env['HOME'] || homedir();
      for (const cwd of [...cwds]) cwds.add(realOr(target === undefined ? home : kernelPath(cwd, target)));
    }
  }
  return '';
}
