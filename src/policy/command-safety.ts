/**
 * Command classification before approval (RELIABILITY B3, R20): a port of Codex's known-safe
 * list (git deliberately excluded: `git status` can run a repository's `core.fsmonitor` helper)
 * and its forced-`rm` danger check. Classification is pure: no config is read here.
 */
import { lexShell, type ShellToken } from './shell-lex.js';

const SEPARATORS = new Set(['&&', '||', ';', '|', '\n']);
const SHELLS = new Set(['bash', 'zsh', 'sh']);
const MAX_DEPTH = 4;

/** Executable name without directories (`/bin/rm` → `rm`). */
function execName(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}

/**
 * Splits a script into "plain" commands: only literal words joined by `&& || ; |` (and
 * newlines). Returns null when anything else appears (substitution, expansion, redirection,
 * subshell, background `&`, unparsable input).
 */
export function parsePlainCommands(script: string): string[][] | null {
  const lex = lexShell(script);
  if (!lex.ok || lex.substitutions.length > 0) return null;
  const out: string[][] = [];
  let current: string[] = [];
  let lastSep = '';
  for (const tok of lex.tokens) {
    if (tok.t === 'word') {
      if (!tok.literal) return null;
      current.push(tok.value);
      continue;
    }
    if (tok.t === 'redir' || !SEPARATORS.has(tok.value)) return null;
    if (current.length === 0) {
      // Blank lines are harmless; `; ls`, `&& ls` or `ls && && pwd` are syntax errors.
      if (tok.value === '\n') continue;
      return null;
    }
    out.push(current);
    current = [];
    lastSep = tok.value;
  }
  if (current.length > 0) out.push(current);
  else if (lastSep === '&&' || lastSep === '||' || lastSep === '|') return null;
  return out;
}

/** Whether `sed -n` gets exactly `N p` or `M,N p` (Codex `is_valid_sed_n_arg`). */
function isValidSedNArg(arg: string | undefined): boolean {
  return arg !== undefined && /^(\d+,)?\d+p$/.test(arg);
}

const ALWAYS_SAFE = new Set([
  'cat',
  'cd',
  'cut',
  'echo',
  'expr',
  'false',
  'grep',
  'head',
  'id',
  'ls',
  'nl',
  'paste',
  'pwd',
  'rev',
  'seq',
  'stat',
  'tail',
  'tr',
  'true',
  'uname',
  'uniq',
  'wc',
  'which',
  'whoami',
]);
const LINUX_SAFE = new Set(['numfmt', 'tac']);
const UNSAFE_FIND = new Set([
  '-exec',
  '-execdir',
  '-ok',
  '-okdir',
  '-delete',
  '-fls',
  '-fprint',
  '-fprint0',
  '-fprintf',
]);

/** Codex `is_safe_to_call_with_exec`: one argv, no shell involved. */
export function isSafeArgv(argv: readonly string[]): boolean {
  const first = argv[0];
  if (first === undefined) return false;
  const cmd = execName(first);
  if (process.platform === 'linux' && LINUX_SAFE.has(cmd)) return true;
  if (ALWAYS_SAFE.has(cmd)) return true;
  const rest = argv.slice(1);
  switch (cmd) {
    case 'base64':
      return !rest.some(
        (a) =>
          a === '-o' || a === '--output' || a.startsWith('--output=') || (a.startsWith('-o') && a !== '-o'),
      );
    case 'find':
      return !argv.some((a) => UNSAFE_FIND.has(a));
    case 'rg':
      return !argv.some(
        (a) =>
          a === '--search-zip' ||
          a === '-z' ||
          a === '--pre' ||
          a.startsWith('--pre=') ||
          a === '--hostname-bin' ||
          a.startsWith('--hostname-bin='),
      );
    case 'sed':
      return argv.length <= 4 && argv[1] === '-n' && isValidSedNArg(argv[2]);
    default:
      return false;
  }
}

/** `[bash|zsh|sh, -lc|-c, script]` → the script; anything else → null. */
function shellScriptOf(argv: readonly string[]): string | null {
  if (argv.length !== 3) return null;
  const [sh, flag, script] = argv as [string, string, string];
  if (!SHELLS.has(execName(sh)) || (flag !== '-lc' && flag !== '-c')) return null;
  return script;
}

function isSafeArgvOrShell(argv: readonly string[], depth: number): boolean {
  if (isSafeArgv(argv)) return true;
  const script = shellScriptOf(argv);
  return script !== null && depth < MAX_DEPTH && isSafeScript(script, depth + 1);
}

function isSafeScript(script: string, depth: number): boolean {
  const commands = parsePlainCommands(script);
  if (!commands || commands.length === 0) return false;
  return commands.every((argv) => isSafeArgvOrShell(argv, depth));
}

/**
 * True when `command` (a script the shell tool will run with `bash -lc`) is read-only for
 * certain: every sub-command is on the known-safe list and the script has no substitution,
 * expansion, redirection, subshell or background job. Unparsable input → false.
 */
export function isKnownSafeCommand(command: string): boolean {
  return isSafeScript(command, 0);
}

/** Codex `rm_args_include_force_option`: `-f` in any short-flag group, or `--force`, before `--`. */
function rmHasForce(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--force') return true;
    if (a.startsWith('-') && !a.startsWith('--') && a.slice(1).includes('f')) return true;
  }
  return false;
}

function isDangerousArgv(argv: readonly string[]): boolean {
  const first = argv[0];
  if (first === undefined) return false;
  const cmd = execName(first);
  if (cmd === 'rm') return rmHasForce(argv.slice(1));
  if (cmd === 'sudo') return isDangerousArgv(argv.slice(1));
  return false;
}

type Frame = { kw: 'if' | 'loop'; phase: 'cond' | 'body'; saw: boolean };

const IGNORED_KEYWORDS = new Set(['{', '}', '!', 'time']);

/**
 * Walks a lexed script as simple commands, validating `if/then/fi` and loop structure well enough
 * to reject scripts bash itself would refuse (Codex: `if then rm -rf x` does not parse).
 * Calls `visit` with the literal argv of each simple command. Returns false on a syntax error.
 */
function walkCommands(tokens: ShellToken[], visit: (argv: string[] | null) => void): boolean {
  const stack: Frame[] = [];
  let segment: ShellToken[] = [];
  const markSaw = () => {
    const top = stack[stack.length - 1];
    if (top) top.saw = true;
  };
  const endSegment = (): boolean => {
    let k = 0;
    while (k < segment.length) {
      const tok = segment[k] as ShellToken;
      if (tok.t !== 'word' || !tok.literal) break;
      const top = stack[stack.length - 1];
      const w = tok.value;
      if (w === 'if' || w === 'while' || w === 'until') {
        stack.push({ kw: w === 'if' ? 'if' : 'loop', phase: 'cond', saw: false });
      } else if (w === 'then') {
        if (!top || top.kw !== 'if' || top.phase !== 'cond' || !top.saw) return false;
        top.phase = 'body';
        top.saw = false;
      } else if (w === 'elif') {
        if (!top || top.kw !== 'if' || top.phase !== 'body') return false;
        top.phase = 'cond';
        top.saw = false;
      } else if (w === 'else') {
        if (!top || top.kw !== 'if' || top.phase !== 'body') return false;
        top.saw = false;
      } else if (w === 'fi' || w === 'done') {
        if (!top || top.kw !== (w === 'fi' ? 'if' : 'loop') || top.phase !== 'body') return false;
        stack.pop();
        markSaw();
      } else if (w === 'do') {
        if (!top || top.kw !== 'loop' || top.phase !== 'cond' || !top.saw) return false;
        top.phase = 'body';
        top.saw = false;
      } else if (w === 'for' || w === 'select') {
        // `for NAME in WORDS` is a header, not a command.
        stack.push({ kw: 'loop', phase: 'cond', saw: true });
        segment = [];
        return true;
      } else if (w === 'case') {
        // Not modelled: inspect the rest conservatively as plain words.
        segment = [];
        return true;
      } else if (!IGNORED_KEYWORDS.has(w)) break;
      k++;
    }
    const rest = segment.slice(k);
    segment = [];
    const argv: string[] = [];
    let literalHead = true;
    for (let j = 0; j < rest.length; j++) {
      const tok = rest[j] as ShellToken;
      if (tok.t === 'redir') {
        j++; // the redirection target
        continue;
      }
      if (tok.t !== 'word') continue;
      // Leading NAME=value assignments are not the command.
      if (argv.length === 0 && literalHead && /^[A-Za-z_][A-Za-z0-9_]*=/.test(tok.value)) continue;
      if (argv.length === 0 && !tok.literal) literalHead = false;
      argv.push(tok.value);
    }
    if (argv.length > 0) {
      markSaw();
      visit(literalHead ? argv : null);
    }
    return true;
  };
  for (const tok of tokens) {
    // Every operator (including subshell parens) ends a simple command.
    if (tok.t === 'op') {
      if (!endSegment()) return false;
    } else segment.push(tok);
  }
  if (!endSegment()) return false;
  return stack.length === 0;
}

function scriptIsDangerous(script: string, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const lex = lexShell(script);
  if (!lex.ok) return false;
  let found = false;
  const ok = walkCommands(lex.tokens, (argv) => {
    if (!argv || found) return;
    if (isDangerousArgv(argv)) found = true;
    const inner = shellScriptOf(argv);
    if (inner !== null && scriptIsDangerous(inner, depth + 1)) found = true;
  });
  if (!ok) return false;
  if (found) return true;
  return lex.substitutions.some((sub) => scriptIsDangerous(sub, depth + 1));
}

/**
 * True when the script contains a literal `rm` with a force flag (`-f`, `-rf`, `--force`, flags
 * after operands, via `sudo`, inside `if`/`for` bodies, pipelines or `$(…)`). Such commands
 * always ask, even in full-auto. Not triggered by quoted text or non-literal commands
 * (`echo 'rm -rf x'`, `$cmd -rf`), nor by scripts that do not parse.
 */
export function isDangerousCommand(command: string): boolean {
  return scriptIsDangerous(command, 0);
}
