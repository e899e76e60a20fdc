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
import {
  atCommandPosition,
  computedArgsDestroy,
  computedHeadDestroys,
  DESTRUCTIVE_NAMES,
  destructiveAt,
  INTERPRETER_DELETES,
  rawLooksDestructive,
} from './destructive.js';
import { unsafeArgvReason } from './safe-tools.js';
import { analyzeTree, type PlainArgv, type ShellAnalysis, type SimpleCommand } from './shell-analysis.js';
import { loadShellParser, type ShTree } from './shell-parser.js';

/** A synchronous parse (the loaded parser). */
export type ParseFn = (src: string) => ShTree;

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
const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'busybox']);
/** Commands that run other commands or scripts given as words or on stdin. */
const LAUNCHERS = new Set([
  ...SHELLS,
  'eval',
  'source',
  '.',
  'exec',
  'command',
  'builtin',
  'xargs',
  'env',
  'sudo',
  'doas',
  'su',
  'nohup',
  'nice',
  'timeout',
  'time',
  'setsid',
  'stdbuf',
  'parallel',
  'watch',
  // Interpreters run strings as code (`perl -e 'system("rm -rf x")'`).
  'node',
  'python',
  'python3',
  'perl',
  'ruby',
  'php',
  'awk',
  'gawk',
  'find',
]);

function baseName(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}

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

/** Why one simple command destroys data (see destructive.ts), or ''. */
function commandDestroys(cmd: SimpleCommand, nested: (script: string) => string): string {
  const head = cmd.words[0];
  if (!head) return '';
  const values = cmd.words.map((w) => w.value);
  // A command name bash computes at run time (`$RM`, `$(echo rm)`, `r?`).
  const unknownHead = !head.literal && head.why !== 'backslash escape';
  if (unknownHead) {
    const why = computedHeadDestroys(values.slice(1));
    if (why) return why;
  }
  const words = values.map((x) => x ?? '');
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    const rest = cmd.words.slice(i + 1);
    const why = atCommandPosition(words, i) ? destructiveAt(words.slice(i), nested) : '';
    if (why) return why;
    // Arguments that only exist at run time (`rm $opts x`, `git reset $MODE`).
    if (atCommandPosition(words, i)) {
      const computed = cmd.words
        .slice(i)
        .map((w) => !w.literal && (w.value === null || /^["']?[$`]/.test(w.value)));
      const why = computedArgsDestroy(words.slice(i), computed);
      if (why) return why;
    }
    // A script computed at run time: `eval "$(…)"`, `bash -c "$CMD"` (it could be anything).
    // Only a word that *starts* with an expansion is opaque: `bash -c "cd $DIR && make"` is
    // parsed as the script it mostly is (nestedScripts), `bash -c "$CMD"` cannot be.
    const opaque = (w: (typeof rest)[number] | undefined) =>
      w !== undefined && !w.literal && (w.value === null || /^["']?[$`]/.test(w.value));
    const name = baseName(v);
    if (name === 'eval' && rest.some(opaque)) return 'eval of text computed at run time';
    if (SHELLS.has(name)) {
      const c = rest.findIndex((w) => w.value !== null && /^-[A-Za-z]*c[A-Za-z]*$/.test(w.value));
      if (c >= 0 && opaque(rest[c + 1])) return `${name} -c of a script computed at run time`;
    }
    // An alias that expands to a family member (`shopt -s expand_aliases; alias g=git`).
    if (v === 'alias')
      for (const def of values.slice(i + 1)) {
        const m = def === null ? null : /^[^=]+=(.*)$/s.exec(def);
        if (m && DESTRUCTIVE_NAMES.test(m[1] as string)) return `an alias for ${(m[1] as string).trim()}`;
      }
  }
  return '';
}

/** Scripts a command runs from its words: `bash -c S`, `sh -lc S`, `eval W…`. */
function nestedScripts(cmd: SimpleCommand): string[] {
  const values = cmd.words.map((w) => w.value ?? '');
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const name = baseName(values[i] as string);
    if (name === 'eval') out.push(values.slice(i + 1).join(' '));
    if (!SHELLS.has(name)) continue;
    for (let j = i + 1; j < values.length; j++) {
      const a = values[j] as string;
      if (!a.startsWith('-') || a.startsWith('--')) continue;
      if (a.slice(1).includes('c') && j + 1 < values.length) out.push(values[j + 1] as string);
    }
  }
  return out;
}

/** Why the script destroys data somewhere in it (see destructive.ts), or ''. */
function dangerIn(parse: ParseFn, script: string, depth: number, parsed?: ShellAnalysis): string {
  const raw = (s: string) => (rawLooksDestructive(s) ? 'a destructive command (text scan)' : '');
  if (depth > MAX_DEPTH) return raw(script);
  const a = parsed ?? analyzeTree(parse(script));
  if (a.syntaxError && raw(script)) return raw(script);
  const nested = (inner: string) => dangerIn(parse, inner, depth + 1);
  let launches = false;
  for (const cmd of a.commands) {
    const why = commandDestroys(cmd, nested);
    if (why) return why;
    for (const inner of nestedScripts(cmd)) {
      const innerWhy = nested(inner);
      if (innerWhy) return innerWhy;
    }
    const head = cmd.words[0];
    if (
      head &&
      (!head.literal || cmd.words.some((w) => w.value !== null && LAUNCHERS.has(baseName(w.value))))
    )
      launches = true;
  }
  // Text that a shell may run (`echo 'git reset --hard' | sh`, `bash <<EOF … EOF`, `xargs rm -rf`).
  // Code for another interpreter may not parse as bash: a text scan decides then.
  if (launches)
    for (const s of a.strings) {
      if (!DESTRUCTIVE_NAMES.test(s) && !INTERPRETER_DELETES.test(s)) continue;
      const why = raw(s) || nested(s);
      if (why) return why;
    }
  return '';
}

/** Classifies with an already loaded parser. Pure. */
export function classifyWith(parse: ParseFn, command: string): CommandClass {
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
    dangerIn(parse, command, 0, a) ||
    // What bash sees after joining continued lines (tree-sitter splits words there).
    (command.includes('\\\n') ? dangerIn(parse, command.replace(/\\\n/g, ''), 0) : '');
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
export async function classifyCommand(command: string): Promise<CommandClass> {
  const { parse } = await loadShellParser();
  return classifyWith(parse, command);
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
