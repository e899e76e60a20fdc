/**
 * Command classification before approval (RELIABILITY B3, R20), on a real bash parse
 * (tree-sitter-bash, see shell-parser.ts):
 * - known-safe: the script is plain (see shell-analysis.ts), has no control or invisible
 *   character, and every command is a known-safe tool with only allow-listed flags
 *   (safe-tools.ts) and no path into other processes' memory or environment (`/proc`);
 * - dangerous: somewhere in it — any command of a compound, a substitution, a loop body, a
 *   `bash -c`/`eval` string, a script piped or fed to a shell — runs a destructive command
 *   (forced `rm`, `git reset --hard`, `find -delete`…: the family is in destructive.ts).
 * Classification reads no config; the parser loads on the first call.
 */
import { posix } from 'node:path';
import { hasHiddenChars } from '../util/visible-text.js';
import { dangerIn, type ParseFn } from './danger.js';
import { rawLooksDestructive } from './destructive.js';
import { unsafeArgvReason } from './safe-tools.js';
import { analyzeTree, type PlainArgv, type ShellAnalysis } from './shell-analysis.js';
import { loadShellParser } from './shell-parser.js';

export type { ParseFn } from './danger.js';

/** Everything the policy needs to know about one command. */
export interface CommandClass {
  /** Read-only for certain. */
  knownSafe: boolean;
  /** Why it is not known-safe ('' when it is). */
  whyNotSafe: string;
  /** Runs a destructive command somewhere (always asks, even in full-auto; see destructive.ts). */
  dangerous: boolean;
  /** Which destructive command (`git reset --hard`, `forced rm`…), '' when none. */
  danger: string;
  /** Contains control or invisible characters (shown escaped; always asks). */
  hidden: boolean;
  /** Its simple commands when the script is plain (what allow rules match), else null. */
  plain: PlainArgv[] | null;
  /**
   * When known-safe: every command that runs, nested `bash -c` scripts included (their path
   * arguments are resolved before the command runs unasked; see path-reach.ts). Else empty.
   */
  runs: PlainArgv[];
}

const MAX_DEPTH = 4;
const MAX_CLASSIFIED_CHARS = 32 * 1024;
/** `[bash|zsh|sh, -lc|-c, script]` → the script; anything else → null. */
function shellScriptOf(argv: readonly string[]): string | null {
  if (argv.length !== 3) return null;
  const [sh, flag, script] = argv as [string, string, string];
  // Not zsh: its syntax differs (glob qualifiers run code) and this is a bash parser.
  if (!['bash', 'sh'].includes(sh) || (flag !== '-lc' && flag !== '-c')) return null;
  return script;
}

/** Paths into other processes (their environment, command line, memory): never known-safe. */
function touchesProc(word: string): boolean {
  return /(^|[/=])proc(\/|$)/.test(word) || /environ|cmdline/.test(word);
}

/** grep -r / rg: they walk directories (and from `/`, through every process's /proc files). */
function isRecursiveSearch(argv: readonly string[]): boolean {
  if (argv[0] === 'rg') return true;
  if (argv[0] !== 'grep') return false;
  return argv.some(
    (a, i) =>
      (/^-[A-Za-z]*r/.test(a) && !a.startsWith('--')) ||
      a === '--recursive' ||
      a === '--directories=recurse' ||
      a === '-drecurse' ||
      ((a === '-d' || a === '--directories') && argv[i + 1] === 'recurse'),
  );
}

/** A path that is `/` or may climb above the workspace (`..`, `../..`, `-` for OLDPWD). */
function mayReachRoot(word: string): boolean {
  if (word === '-') return true;
  const norm = posix.normalize(word);
  return norm === '/' || norm === '..' || norm.startsWith('../');
}

function recursionProblem(plain: readonly PlainArgv[]): string {
  if (!plain.some(isRecursiveSearch)) return '';
  for (const argv of plain) {
    if (argv[0] === 'cd' && argv.slice(1).some((w) => w.startsWith('/') || mayReachRoot(w)))
      return 'changes directory out of the workspace before a recursive search';
    if (isRecursiveSearch(argv)) {
      const root = argv.slice(1).find((w) => !w.startsWith('-') && mayReachRoot(w));
      if (root !== undefined) return `recursive search from ${root}`;
    }
  }
  return '';
}

function knownSafeReason(
  parse: ParseFn,
  script: string,
  depth: number,
  runs: PlainArgv[],
  parsed?: ShellAnalysis,
): string {
  if (hasHiddenChars(script)) return 'contains control or invisible characters';
  // bash joins `fo\<newline>o` into one word; tree-sitter splits it (`sort -\<newline>o x`).
  if (WORD_CONTINUATION.test(script)) return 'line continuation inside a word';
  const a = parsed ?? analyzeTree(parse(script));
  if (!a.plain) return a.whyNotPlain;
  const recursion = recursionProblem(a.plain);
  if (recursion) return recursion;
  for (const argv of a.plain) {
    const inner = shellScriptOf(argv);
    if (inner !== null) {
      if (depth >= MAX_DEPTH) return 'shells nested too deep';
      const why = knownSafeReason(parse, inner, depth + 1, runs);
      if (why) return why;
      continue;
    }
    const proc = argv.find(touchesProc);
    if (proc !== undefined) return `reads process information (${proc})`;
    const why = unsafeArgvReason(argv);
    if (why) return why;
    runs.push(argv);
  }
  return '';
}

const WORD_CONTINUATION = /[^\s]\\\n[^\s]/;

/** How a command will be run. */
export interface ClassifyOptions {
  /**
   * The shell that runs it (`bash` when absent). Another shell's syntax differs (zsh: `=rm` is
   * rm's path, glob qualifiers run code), so the text scan of the whole script also decides
   * whether it is destructive, and only for zsh, and only a script without the characters zsh
   * reads differently ({@link ZSH_DIFFERS}), can be known-safe.
   */
  shell?: string;
  /** The workspace's real path: a recursive chmod/chown of it (or above it) is destructive. */
  workspace?: string;
  /** The working directory it runs in (`git checkout X` discards X's changes when X is a path there). */
  cwd?: string;
}

const BASH_LIKE = new Set(['bash', 'sh', 'dash']);
/**
 * What zsh reads differently from bash in a script of literal words (the only kind that can be
 * known-safe): `=cmd` (and `x==cmd` with MAGIC_EQUAL_SUBST) is a command's path; `^`, `#` and `~`
 * are glob operators with EXTENDED_GLOB (a profile may set it); `%` starts a job reference.
 */
const ZSH_DIFFERS = /(^|[\s;&|(=])=|[\^#~%]/;

/** Classifies with an already loaded parser. Pure. */
export function classifyWith(parse: ParseFn, command: string, opts: ClassifyOptions = {}): CommandClass {
  const shell = opts.shell ?? 'bash';
  const where = {
    ...(opts.workspace ? { workspace: opts.workspace } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  };
  if (!BASH_LIKE.has(shell)) {
    const asBash = classifyWith(parse, command, where);
    const danger =
      asBash.danger ||
      dangerIn(parse, command, 0, { zsh: shell === 'zsh', ...where }) ||
      (rawLooksDestructive(command) ? `a destructive command for ${shell} (text scan)` : '');
    const same = shell === 'zsh' && !ZSH_DIFFERS.test(command);
    return {
      ...asBash,
      knownSafe: same && asBash.knownSafe,
      whyNotSafe: same ? asBash.whyNotSafe : `${shell} may read this script differently from bash`,
      dangerous: danger !== '',
      danger,
      plain: same ? asBash.plain : null,
      runs: same ? asBash.runs : [],
    };
  }
  const hidden = hasHiddenChars(command);
  // Beyond this a parse takes seconds: such a script is never known-safe, and a text scan
  // decides whether it is dangerous.
  if (command.length > MAX_CLASSIFIED_CHARS)
    return {
      knownSafe: false,
      whyNotSafe: `longer than ${MAX_CLASSIFIED_CHARS} characters`,
      dangerous: rawLooksDestructive(command),
      danger: rawLooksDestructive(command) ? 'a destructive command (text scan)' : '',
      hidden,
      plain: null,
      runs: [],
    };
  const a = analyzeTree(parse(command));
  const runs: PlainArgv[] = [];
  const whyNotSafe = knownSafeReason(parse, command, 0, runs, a);
  const danger =
    dangerIn(parse, command, 0, { zsh: false, ...where }, a) ||
    // What bash sees after joining continued lines (tree-sitter splits words there).
    (command.includes('\\\n')
      ? dangerIn(parse, command.replace(/\\\n/g, ''), 0, { zsh: false, ...where })
      : '');
  return {
    knownSafe: whyNotSafe === '',
    whyNotSafe,
    dangerous: danger !== '',
    danger,
    hidden,
    plain: hidden ? null : a.plain,
    runs: whyNotSafe === '' ? runs : [],
  };
}

/** Classifies `command` (a script the shell tool runs with `bash -lc`). Loads the parser once. */
export async function classifyCommand(command: string, opts: ClassifyOptions = {}): Promise<CommandClass> {
  const { parse } = await loadShellParser();
  return classifyWith(parse, command, opts);
}

/** True when `command` is read-only for certain. */
export async function isKnownSafeCommand(command: string): Promise<boolean> {
  return (await classifyCommand(command)).knownSafe;
}

/** True when `command` runs a destructive command anywhere (always asks, even in full-auto). */
export async function isDangerousCommand(command: string): Promise<boolean> {
  return (await classifyCommand(command)).dangerous;
}

/** The literal argv of each command of a plain script, or null when it is not plain. */
export async function parsePlainCommands(command: string): Promise<PlainArgv[] | null> {
  return (await classifyCommand(command)).plain;
}

/** Whether one literal argv is known-safe (no shell involved). */
export function isSafeArgv(argv: readonly string[]): boolean {
  return !argv.some(touchesProc) && unsafeArgvReason(argv) === '';
}
