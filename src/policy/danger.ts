/**
 * The destructive half of command classification (see command-safety.ts): whether a script runs
 * a destructive command (destructive.ts) anywhere — any command of a compound, a substitution, a
 * loop body, a `bash -c`/`eval`/`trap` string, text piped or fed to a shell — with words read as
 * bash reads them and what exists only at run time treated as unknown (destructive-runtime.ts).
 */

import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { computedProgram, MAY_READ_PROGRAM } from './danger-stdin.js';
import {
  atCommandPosition,
  DESTRUCTIVE_NAMES,
  destructiveAt,
  feedsArguments,
  rawLooksDestructive,
} from './destructive.js';
import {
  DELETION_API,
  expandBraces,
  INTERPRETERS,
  inlineCodeDeletes,
  runsWhatItWrote,
  scriptRun,
  setsProgramVariable,
  wordWrites,
} from './destructive-runtime.js';
import { baseName } from './flag-match.js';
import { analyzeTree, type ShellAnalysis, type SimpleCommand } from './shell-analysis.js';
import type { ShNode, ShTree } from './shell-parser.js';

/** A synchronous parse (the loaded parser). */
export type ParseFn = (src: string) => ShTree;

const MAX_DEPTH = 4;
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

/** A simple command's words as bash will pass them: braces expanded, with what is computed. */
interface Expanded {
  words: string[];
  computed: boolean[];
  quoted: boolean[];
}

/** What the destructive check knows of where and how a script runs. */
export interface RunContext {
  /** zsh runs it (`=rm` is rm). */
  zsh: boolean;
  /** The workspace's real path (`chmod -R 000 /path/of/workspace` is broad). */
  workspace?: string;
  /** The command's working directory (a `git checkout X` is of a path when X exists there). */
  cwd?: string;
  /**
   * Other directories the script may run git in (`cd src && git checkout x`); null when a `cd`
   * target is computed (a single checkout operand that looks like a path then asks).
   */
  cwds?: string[] | null;
  /** Per `eval` command of the script being judged: an allowed `eval "$(TOOL init …)"`. */
  initEvals?: boolean[] | null;
  /** Which `eval` command of the script is being judged. */
  evalIndex?: number;
}

function expandWords(cmd: SimpleCommand, zsh: boolean): Expanded {
  const out: Expanded = { words: [], computed: [], quoted: [] };
  for (const w of cmd.words) {
    let v = w.value ?? '';
    // zsh: `=rm` is the path of rm (EQUALS expansion).
    if (zsh && /^=[^=]/.test(v)) v = v.slice(1);
    const pieces = !w.literal && v.includes('{') ? expandBraces(v) : [v];
    for (const piece of pieces) {
      out.words.push(piece);
      out.computed.push(w.value === null || w.runtime === true);
      out.quoted.push(w.quoted === true);
    }
  }
  return out;
}

/**
 * `eval "$(TOOL init …)"` of a tool that prints its own shell set-up (version managers, direnv,
 * ssh-agent): what it prints is the tool's, not the command's, so it stays automatic. Only the
 * whole word `"$(TOOL …)"` with literal arguments matches; anything else computed still asks.
 */
const INIT_EVAL =
  /^"?\$\((pyenv (virtualenv-)?init|rbenv init|nodenv init|goenv init|jenv init|plenv init|phpenv init|direnv (export|hook) (bash|zsh|sh)|ssh-agent( -[sc])?|fnm env|zoxide init|starship init|mise activate|rtx activate|conda shell\.(bash|zsh) hook|brew shellenv|opam env)( [\w./=-]+)*\)"?$/;

/**
 * For each `eval` command of the script in source order (the order of the analysis' commands):
 * whether it is exactly `eval "$(TOOL init …)"` ({@link INIT_EVAL}). Null when the script has none.
 */
function initEvals(parse: ParseFn, script: string): boolean[] | null {
  if (!/\beval\b/.test(script) || !/\$\(/.test(script)) return null;
  const out: boolean[] = [];
  const visit = (n: ShNode): void => {
    if (n.type === 'command') {
      const name = n.children.find((c) => c.field === 'name');
      if (name && name.text.replace(/["'\\]/g, '') === 'eval') {
        const args = n.children.filter((c) => c.field === 'argument');
        out.push(args.length === 1 && INIT_EVAL.test((args[0] as ShNode).text));
      }
    }
    for (const c of n.children) visit(c);
  };
  visit(parse(script).root);
  return out.some(Boolean) ? out : null;
}

/** The directories `cd`/`pushd` of the script reach (cumulatively, from the working directory). */
function cdTargets(a: ShellAnalysis, run: RunContext): string[] | null | undefined {
  let dirs = run.cwds;
  let at = run.cwd ?? process.cwd();
  for (const cmd of a.commands) {
    const name = cmd.words[0]?.value;
    if (name !== 'cd' && name !== 'pushd') continue;
    if (dirs === null) return null;
    const arg = cmd.words.slice(1).find((w) => !(w.value ?? '').startsWith('-') || w.value === '-');
    if (!arg || arg.value === null || arg.runtime || arg.value === '-') return null;
    at = resolve(at, arg.value.replace(/^~(?=\/|$)/, homedir()));
    dirs = [...(dirs ?? []), at];
  }
  return dirs;
}

/** Why one simple command destroys data (see destructive.ts), or ''. */
function commandDestroys(cmd: SimpleCommand, run: RunContext): string {
  const head = cmd.words[0];
  if (!head) return '';
  // A command name bash computes at run time (`$RM`, `$(echo rm)`, `"${a[@]}"`, `rm${IFS}-rf`)
  // may be any command at all.
  if (head.value === null || head.runtime) return 'a command whose name is computed at run time';
  const { words, computed, quoted } = expandWords(cmd, run.zsh);
  const fed = feedsArguments(words);
  if (fed) return fed;
  for (let i = 0; i < words.length; i++) {
    const v = words[i] as string;
    const why = atCommandPosition(words, i)
      ? destructiveAt(words.slice(i), {
          computed: computed.slice(i),
          quoted: quoted.slice(i),
          ...(run.workspace ? { workspace: run.workspace } : {}),
          ...(run.cwd ? { cwd: run.cwd } : {}),
          ...(run.cwds !== undefined ? { cwds: run.cwds } : {}),
        })
      : '';
    if (why) return why;
    // Code for an interpreter (`python3 -c …`, `node -e …`, a here-document).
    if (INTERPRETERS.test(baseName(v)) && atCommandPosition(words, i)) {
      const code = inlineCodeDeletes([...words.slice(i + 1), ...cmd.stdinText].join('\n'));
      if (code) return code;
    }
    // A script computed at run time: `eval "$(…)"`, `bash -c "$CMD"` (it could be anything).
    // Only a word that *starts* with an expansion is opaque: `bash -c "cd $DIR && make"` is
    // parsed as the script it mostly is (nestedScripts), `bash -c "$CMD"` cannot be.
    const opaque = (k: number) => computed[k] === true && /^["']?[$`]/.test(words[k] ?? '');
    const name = baseName(v);
    if (name === 'eval' && i === 0) run.evalIndex = (run.evalIndex ?? -1) + 1;
    if (
      name === 'eval' &&
      words.some((_, k) => k > i && opaque(k)) &&
      !(i === 0 && run.initEvals?.[run.evalIndex ?? -1] === true)
    )
      return 'eval of text computed at run time';
    if (SHELLS.has(name)) {
      const c = words.findIndex((w, k) => k > i && /^-[A-Za-z]*c[A-Za-z]*$/.test(w));
      if (c >= 0 && opaque(c + 1)) return `${name} -c of a script computed at run time`;
    }
    // An alias that expands to a family member (`shopt -s expand_aliases; alias g=git`).
    if (v === 'alias')
      for (const def of words.slice(i + 1)) {
        const m = /^[^=]+=(.*)$/s.exec(def);
        if (m && DESTRUCTIVE_NAMES.test(m[1] as string)) return `an alias for ${(m[1] as string).trim()}`;
      }
  }
  return '';
}

/** Scripts a command runs from its words: `bash -c S`, `sh -lc S`, `eval W…`, `trap S SIG…`. */
function nestedScripts(cmd: SimpleCommand): string[] {
  const values = cmd.words.map((w) => w.value ?? '');
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const name = baseName(values[i] as string);
    if (name === 'eval') out.push(values.slice(i + 1).join(' '));
    if (name === 'trap') {
      const action = values.slice(i + 1).find((w) => !w.startsWith('-'));
      if (action !== undefined) out.push(action);
    }
    if (!SHELLS.has(name)) continue;
    for (let j = i + 1; j < values.length; j++) {
      const a = values[j] as string;
      if (!a.startsWith('-') || a.startsWith('--')) continue;
      if (a.slice(1).includes('c') && j + 1 < values.length) out.push(values[j + 1] as string);
    }
  }
  return out;
}

/** A script that writes a file and runs it (`echo 'rm -rf x' > s.sh; ./s.sh`), or ''. */
function writesThenRuns(a: ShellAnalysis): string {
  const writes = [...a.writes];
  const runs: string[] = [];
  for (const cmd of a.commands) {
    const values = cmd.words.map((w) => w.value ?? '');
    writes.push(
      ...wordWrites(
        values,
        cmd.words.map((w) => w.value === null || w.runtime === true),
      ),
    );
    const run = scriptRun(values);
    if (run !== null) runs.push(run);
  }
  return runsWhatItWrote(writes, runs);
}

/** Why the script destroys data somewhere in it (see destructive.ts), or ''. */
export function dangerIn(
  parse: ParseFn,
  script: string,
  depth: number,
  run: RunContext,
  parsed?: ShellAnalysis,
): string {
  const raw = (s: string) => (rawLooksDestructive(s) ? 'a destructive command (text scan)' : '');
  if (depth > MAX_DEPTH) return raw(script);
  const a = parsed ?? analyzeTree(parse(script));
  // tree-sitter and bash disagree about a script it cannot parse (`{rm,-rf,x}`, `r[m] -rf x` are
  // bash): what it runs is not known.
  if (a.syntaxError) return raw(script) || 'a script the classifier cannot parse (what it runs is not known)';
  const env = depth === 0 ? setsProgramVariable(script) : '';
  if (env) return env;
  const wrote = writesThenRuns(a);
  if (wrote) return wrote;
  run = { ...run, cwds: cdTargets(a, run) };
  const nested = (inner: string) =>
    dangerIn(parse, inner, depth + 1, { ...run, initEvals: null, evalIndex: -1 });
  // A shell or interpreter reading a program from a pipe whose producer is computed
  // (`base64 -d | sh`, `curl … | bash`), or `make -f -` fed a makefile (danger-stdin.ts).
  if (MAY_READ_PROGRAM.test(script)) {
    const piped = computedProgram(parse(script).root, nested);
    if (piped) return piped;
  }
  let launches = false;
  let interprets = false;
  // `eval "$(pyenv init -)"` stays automatic; the analysis' eval commands are matched in order.
  const here: RunContext = { ...run, initEvals: initEvals(parse, script), evalIndex: -1 };
  for (const cmd of a.commands) {
    const why = commandDestroys(cmd, here);
    if (why) return why;
    // An allowed `eval "$(pyenv init -)"` has no script to read (its text is the tool's output).
    const initEval = cmd.words[0]?.value === 'eval' && here.initEvals?.[here.evalIndex ?? -1] === true;
    for (const inner of initEval ? [] : nestedScripts(cmd)) {
      const innerWhy = nested(inner);
      if (innerWhy) return innerWhy;
    }
    const head = cmd.words[0];
    if (
      head &&
      (!head.literal || cmd.words.some((w) => w.value !== null && LAUNCHERS.has(baseName(w.value))))
    )
      launches = true;
    if (cmd.words.some((w) => w.value !== null && INTERPRETERS.test(baseName(w.value)))) interprets = true;
  }
  // Code piped or fed to an interpreter (`echo 'import shutil; shutil.rmtree(…)' | python3`).
  if (interprets)
    for (const s of a.strings) {
      const why = inlineCodeDeletes(s);
      if (why) return why;
    }
  // Text that a shell may run (`echo 'git reset --hard' | sh`, `bash <<EOF … EOF`, `xargs rm -rf`).
  // Code for another interpreter may not parse as bash: a text scan decides then.
  if (launches)
    for (const s of a.strings) {
      if (!DESTRUCTIVE_NAMES.test(s) && !DELETION_API.test(s)) continue;
      const why = raw(s) || nested(s);
      if (why) return why;
    }
  return '';
}
