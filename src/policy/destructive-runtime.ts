/**
 * The destructive-command family (destructive.ts) against what bash and other programs decide
 * at run time: brace expansion (`rm -{r,f} x`), programs named by the environment
 * (`GIT_EXTERNAL_DIFF=… git diff`), inline programs for an interpreter that call a deletion API
 * (`python3 -c 'shutil.rmtree(…)'`), and a script the same command writes and then runs.
 */
import { posix } from 'node:path';
import { baseName } from './flag-match.js';

const MAX_BRACE_WORDS = 64;

function braceSequence(body: string): string[] | null {
  const m = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?$/.exec(body);
  if (!m) return null;
  const [, a, b, stepText] = m as unknown as [string, string, string, string | undefined];
  const numeric = /\d/.test(a);
  if (numeric !== /\d/.test(b)) return null;
  const from = numeric ? Number(a) : a.charCodeAt(0);
  const to = numeric ? Number(b) : b.charCodeAt(0);
  const step = Math.max(1, Math.abs(Number(stepText ?? 1)) || 1);
  const out: string[] = [];
  for (let v = from; from <= to ? v <= to : v >= to; v += from <= to ? step : -step) {
    out.push(numeric ? String(v) : String.fromCharCode(v));
    if (out.length >= MAX_BRACE_WORDS) break;
  }
  return out;
}

/**
 * The words bash makes of `word` by brace expansion (`-{r,f}` → `-r -f`, `{rm,-rf,x}` →
 * `rm -rf x`, `{1..3}`), at most {@link MAX_BRACE_WORDS}. Quoting is not known here, so a quoted
 * brace is expanded too: that can only make the check stricter.
 */
export function expandBraces(word: string): string[] {
  if (!word.includes('{') || !word.includes('}')) return [word];
  for (let i = 0; i < word.length; i++) {
    if (word[i] !== '{') continue;
    let depth = 0;
    let end = -1;
    const commas: number[] = [];
    for (let j = i; j < word.length && end < 0; j++) {
      const c = word[j];
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) end = j;
      else if (c === ',' && depth === 1) commas.push(j);
    }
    if (end < 0) return [word];
    const body = word.slice(i + 1, end);
    let parts: string[] | null = null;
    if (commas.length > 0) {
      parts = [];
      let from = i + 1;
      for (const c of [...commas, end]) {
        parts.push(word.slice(from, c));
        from = c + 1;
      }
    } else parts = braceSequence(body);
    if (!parts) continue;
    const out: string[] = [];
    for (const p of parts)
      for (const w of expandBraces(word.slice(0, i) + p + word.slice(end + 1))) {
        out.push(w);
        if (out.length >= MAX_BRACE_WORDS) return out;
      }
    return out;
  }
  return [word];
}

/**
 * Variables that name a program another command runs (git's pager, diff and ssh programs and
 * config, editors, pagers, the dynamic loader, bash's start-up file).
 */
const PROGRAM_ENV =
  /(^|[^\w$])(GIT_EXTERNAL_DIFF|GIT_PAGER|GIT_CONFIG\w*|GIT_SSH(_COMMAND)?|GIT_(SEQUENCE_)?EDITOR|GIT_ASKPASS|SSH_ASKPASS|GIT_EXEC_PATH|GIT_PROXY_COMMAND|GIT_DIR|GIT_TEMPLATE_DIR|EDITOR|VISUAL|PAGER|MANPAGER|LESSOPEN|LESSCLOSE|BASH_ENV|ENV|PROMPT_COMMAND|PS4|LD_PRELOAD|LD_AUDIT|LD_LIBRARY_PATH|DYLD_\w+)(\[[^\]]*\])?\+?=/;

/**
 * The project's own npm binaries (`PATH=./node_modules/.bin:$PATH tsc`): what `npx tsc` or
 * `npm run` would run anyway, so not "a relative directory" that may shadow any command.
 */
const NODE_BIN = /^(\.\/)?node_modules\/\.bin\/?$/;

/** A program named by an environment assignment anywhere in `script` (`GIT_PAGER='rm -rf x' git log`). */
export function setsProgramVariable(script: string): string {
  const m = PROGRAM_ENV.exec(script);
  if (m) return `sets ${m[2]}, which names a program another command runs`;
  // A relative or empty PATH entry lets a file in the workspace stand in for any command
  // (`PATH=.:$PATH ls`); `PATH=$HOME/bin:$PATH` and absolute entries do not.
  for (const p of script.matchAll(/(?:^|[^\w$])PATH\+?=["']?([^\s;&|"']*)/g))
    if ((p[1] as string).split(':').some((e) => !/^[/$~]/.test(e) && !NODE_BIN.test(e)))
      return 'puts a relative directory on PATH';
  return '';
}

/** Interpreters that run a program given inline (`-c`, `-e`, `-r`, `eval`) or on stdin. */
export const INTERPRETERS =
  /^(python[\d.]*|pypy[\d.]*|perl[\d.]*|ruby[\d.]*|node(js)?|deno|bun|php[\d.]*|Rscript|lua[\d.]*|tclsh|osascript)$/;

/** Deletion APIs of those interpreters' standard libraries (and the popular helpers). */
export const DELETION_API =
  /\b(rmtree|remove_tree|unlink(Sync)?|rmdir(Sync)?|rmSync|rm_rf|rm_r|rm_f|removedirs|os\.remove|fs\.rm|fsPromises\.rm|promises\.rm|FileUtils\.(rm|remove)\w*|Files?\.delete|Dir\.delete|remove_dir(_all)?|remove_file|send2trash|rimraf|truncate(Sync)?)\b/;

/**
 * Code that runs code it computes: `exec`/`eval`/`compile`/`__import__`/`Function(`, or a
 * command runner (`system`, `popen`, child_process' `exec*`/`spawn*`), called with anything but
 * one string literal (`exec(bytes.fromhex('…').decode())`, `eval(atob(…))`, `system($x)`).
 * A literal argument is part of the code text, which the deletion scan reads.
 */
const COMPUTED_CODE =
  /\b(exec|eval|compile|execfile|__import__|import_module|Function|system|popen|execSync|execFileSync|execFile|spawnSync|spawn|instance_eval|class_eval|module_eval)\s*\(\s*(?!(?:'[^'\\]*'|"[^"\\$#]*")\s*[,)])|\b(eval|system|exec)\s+(?:\$|pack\b|unpack\b|decode_base64\b|`)/;

/** Why inline code for an interpreter may delete files (`node -e 'fs.rmSync(…)'`), or ''. */
export function inlineCodeDeletes(code: string): string {
  const m = DELETION_API.exec(code);
  if (m) return `an inline program that calls ${m[1]}`;
  const c = COMPUTED_CODE.exec(code);
  return c ? `an inline program that runs code computed at run time (${c[1] ?? c[2]})` : '';
}

const SCRIPT_RUNNERS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'source', '.']);
const COPIERS = new Set(['cp', 'mv', 'install', 'ln']);

/** The files one command writes with its own words (`tee F`, `cp A F`, `curl -o F`); null = computed. */
export function wordWrites(argv: readonly string[], computed: readonly boolean[]): (string | null)[] {
  const name = baseName(argv[0] ?? '');
  const out: (string | null)[] = [];
  if (name === 'tee')
    for (const [k, w] of argv.entries()) if (k > 0 && !w.startsWith('-')) out.push(computed[k] ? null : w);
  if (COPIERS.has(name) && argv.length > 2) {
    const k = argv.length - 1;
    out.push(computed[k] ? null : (argv[k] as string));
  }
  // In-place edits (`sed -i 's/echo/rm -rf/' run.sh; ./run.sh`): every operand may be a file.
  if (
    (name === 'sed' || name === 'perl') &&
    argv.some((w) => /^-[A-Za-z]*i/.test(w) || w.startsWith('--in-place'))
  )
    for (const [k, w] of argv.entries()) if (k > 0 && !w.startsWith('-')) out.push(computed[k] ? null : w);
  if (name === 'curl' || name === 'wget')
    for (const [k, w] of argv.entries())
      if (['-o', '-O', '--output', '--output-document'].includes(argv[k - 1] ?? ''))
        out.push(computed[k] ? null : w);
  return out;
}

/** The file a command runs as a program: a path-qualified name, or a script given to a shell. */
export function scriptRun(argv: readonly string[]): string | null {
  const head = argv[0] ?? '';
  if (head.includes('/')) return head;
  const name = baseName(head);
  if (SCRIPT_RUNNERS.has(name) || INTERPRETERS.test(name)) {
    const file = argv.slice(1).find((w) => !w.startsWith('-'));
    if (file !== undefined && !argv.slice(1).some((w) => /^-[a-z]*[ce]$/.test(w))) return file;
  }
  return null;
}

/** Whether a script runs a file it wrote itself (`echo 'rm -rf x' > s.sh; ./s.sh`). */
export function runsWhatItWrote(writes: readonly (string | null)[], runs: readonly string[]): string {
  // git runs its hooks and the programs its config names on the next git command.
  const git = writes.find((w) => w !== null && /(^|\/)\.git\/(hooks\/|config$)/.test(posix.normalize(w)));
  if (git) return `writes ${git}, which git runs or reads programs from`;
  if (writes.length === 0 || runs.length === 0) return '';
  if (writes.includes(null)) return `runs ${runs[0]} after writing a file it names at run time`;
  const written = new Set(writes.map((w) => posix.normalize(w as string)));
  const hit = runs.find((r) => written.has(posix.normalize(r)));
  return hit ? `runs ${hit}, which the same command writes` : '';
}
