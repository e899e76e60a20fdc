/**
 * Programs read from a pipe (issue 13 §1, red team 3): a shell or interpreter that reads its
 * program from stdin runs whatever the command before it prints. Only `echo`/`printf` of literal
 * words is a script the classifier reads (the text is checked as a script elsewhere, danger.ts);
 * any other producer — `base64 -d`, `curl`, `wget -O-`, `cat FILE`, `xxd -r`, `$VAR` — prints a
 * program computed at run time, so the command asks. `make -f -` / `-f /dev/stdin` reads its
 * makefile the same way: from a here-document or here-string its recipe lines are checked as
 * scripts, from anything else it asks.
 */
import { INTERPRETERS } from './destructive-runtime.js';
import { baseName } from './flag-match.js';
import type { ShNode } from './shell-parser.js';
import { decodeAnsiC } from './shell-words.js';

const STDIN_SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh']);
// Words in front of a command that still run it on the same stdin (`| sudo bash`).
const PASS_THROUGH = new Set([
  'sudo',
  'doas',
  'env',
  'nice',
  'nohup',
  'time',
  'timeout',
  'exec',
  'command',
  'builtin',
  'stdbuf',
  'setsid',
  'ionice',
  'busybox',
]);

/** A cheap filter: the script may pipe into (or feed) a shell, an interpreter, `source` or `make -f`. */
export const MAY_READ_PROGRAM =
  /\byes\b[^|;&]*\|[^;&]*\brm\b|\|[^|;&]*\b(sh|bash|zsh|dash|ksh|mksh|ash|fish|csh|tcsh|python[\d.]*|pypy[\d.]*|perl|ruby|node|nodejs|deno|bun|php|lua|Rscript|source|make|gmake)\b|\bg?make\b[^;&|]*-f|\bsource\s+\/dev\/stdin|\.\s+\/dev\/stdin|<\(|\|[^|;&]*["'\\]/;

function words(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

/** The argv from the program's name on (`sudo -E bash -s` → `bash -s`), or null if no reader. */
function reader(argv: readonly string[]): { name: string; args: string[] } | null {
  let i = 0;
  while (i < argv.length) {
    const w = argv[i] as string;
    const name = baseName(w.replace(/["'\\]/g, ''));
    if (STDIN_SHELLS.has(name) || INTERPRETERS.test(name) || ['source', '.', 'make', 'gmake'].includes(name))
      return { name, args: argv.slice(i + 1) as string[] };
    if (PASS_THROUGH.has(name) || w.startsWith('-') || /^\w+=/.test(w) || /^\d+[smhd]?$/.test(w)) i++;
    else return null;
  }
  return null;
}

/** Whether `name ARGS` reads its program from stdin. */
function readsProgramFromStdin(name: string, args: readonly string[]): boolean {
  if (name === 'source' || name === '.') return args[0] === '/dev/stdin' || args[0] === '/proc/self/fd/0';
  if (name === 'make' || name === 'gmake') return makeReadsStdin(args);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    // Options that take a value (`bash -o errexit`, `python3 -W ignore`, `perl -MFoo`).
    if (VALUE_FLAGS.has(a)) {
      i++;
      continue;
    }
    if (a === '-' || a === '/dev/stdin' || a === '/proc/self/fd/0') return true;
    if (a === '--') continue;
    if (!a.startsWith('-')) return false; // a script file (or a flag's value: conservative enough)
    // Inline code (`-c`, `-e`, `--eval`, `-m module`, `-r`, `-p`) is not read from stdin.
    if (/^-[A-Za-z]*[cemrp]$/.test(a) || /^--(eval|print|command)/.test(a)) return false;
  }
  return true;
}

const VALUE_FLAGS = new Set([
  '-o',
  '+o',
  '-O',
  '+O',
  '-W',
  '-X',
  '-Q',
  '-I',
  '-M',
  '--rcfile',
  '--init-file',
]);

function makeReadsStdin(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const v =
      a === '-f' || a === '--file' || a === '--makefile'
        ? args[i + 1]
        : /^-f./.test(a)
          ? a.slice(2)
          : /^--(file|makefile)=/.test(a)
            ? a.slice(a.indexOf('=') + 1)
            : undefined;
    // tree-sitter-bash drops a lone `-` before a here-document (`make -f - <<EOF` is `make -f`).
    if (v === undefined && (a === '-f' || a === '--file' || a === '--makefile')) return true;
    if (v === '-' || v === '/dev/stdin' || v === '/proc/self/fd/0') return true;
  }
  return false;
}

/** `echo`/`printf` of literal words only: a script the classifier reads as text. */
const LITERAL_PRINT = /^(echo|printf)(\s+('[^']*'|"[^"$`\\]*"|[^\s'"$`\\|;&<>(){}]+))*\s*$/;

/** The simple command inside a pipeline element (through a redirected statement). */
function commandOf(n: ShNode): ShNode | null {
  if (n.type === 'command') return n;
  if (n.type === 'redirected_statement') return n.children.find((c) => c.type === 'command') ?? null;
  return null;
}

/** Every simple command inside `n`. */
function commandsIn(n: ShNode): ShNode[] {
  const out: ShNode[] = [];
  const walk = (m: ShNode): void => {
    if (m.type === 'command') out.push(m);
    for (const c of m.children) walk(c);
  };
  walk(n);
  return out;
}

/** The text of a here-string or here-document fed to `n` (a redirected statement), or null. */
function fedText(n: ShNode): string | null {
  const parts: string[] = [];
  const walk = (m: ShNode): void => {
    if (m.type === 'herestring_redirect') {
      const body = m.children.find((c) => c.named);
      if (body) {
        const t = body.text;
        parts.push(
          t.startsWith("$'") ? decodeAnsiC(t) : t.startsWith("'") || t.startsWith('"') ? t.slice(1, -1) : t,
        );
      }
    } else if (m.type === 'heredoc_body') parts.push(m.text);
    for (const c of m.children) walk(c);
  };
  walk(n);
  return parts.length > 0 ? parts.join('\n') : null;
}

/**
 * Why a pipeline or here-string in `root` runs a program computed at run time, or ''. `check`
 * judges a literal script (the recipe lines of a makefile fed by a here-string).
 */
export function computedProgram(root: ShNode, check: (script: string) => string): string {
  let why = '';
  const visit = (n: ShNode, parent: ShNode | null): void => {
    if (why) return;
    if (n.type === 'pipeline') {
      const parts = n.children.filter((c) => c.named);
      for (let k = 1; k < parts.length && !why; k++) {
        // A compound consumer (`| (sh)`, `| { bash; }`): any command in it may read the pipe.
        const direct = commandOf(parts[k] as ShNode);
        const cmd =
          direct ??
          commandsIn(parts[k] as ShNode).find((c) => {
            const r = reader(words(c.text));
            return r !== null && readsProgramFromStdin(r.name, r.args);
          }) ??
          null;
        // `yes | rm -ri src` answers every prompt of rm -i: a forced rm.
        const pw = words(commandOf(parts[k - 1] as ShNode)?.text ?? '');
        const cw = words(cmd?.text ?? '');
        if (baseName(pw[0] ?? '') === 'yes' && cw.some((w) => baseName(w) === 'rm')) {
          why = 'rm answered by yes (a forced rm)';
          break;
        }
        const r = cmd ? reader(cw) : null;
        if (!r || !readsProgramFromStdin(r.name, r.args)) continue;
        const producer = commandOf(parts[k - 1] as ShNode);
        const ptext = producer ? producer.text.trim() : '';
        if (!producer || producer !== parts[k - 1] || !LITERAL_PRINT.test(ptext))
          why = `${r.name} runs a program piped from ${words(ptext)[0] ?? 'a compound command'} (computed at run time)`;
        else if (r.name === 'make' || r.name === 'gmake') why = 'make reads a makefile from a pipe';
      }
    }
    // `bash <(curl …)`, `source <(base64 -d f)`: the script is a process substitution's output.
    if (!why && n.type === 'command') {
      const r = reader(words(n.text));
      const first = n.children.find((c) => c.field === 'argument' && !c.text.startsWith('-'));
      if (r && r.name !== 'make' && r.name !== 'gmake' && first?.type === 'process_substitution') {
        const inner = first.text.slice(2, -1).trim();
        if (!LITERAL_PRINT.test(inner))
          why = `${r.name} runs a program from <(${words(inner)[0] ?? ''} …) (computed at run time)`;
      }
    }
    // `sh < <(curl …)`: stdin redirected from a process substitution.
    if (!why && n.type === 'redirected_statement') {
      const cmd = commandOf(n);
      const r = cmd ? reader(words(cmd.text)) : null;
      for (const red of n.children)
        if (red.type === 'file_redirect' && r && readsProgramFromStdin(r.name, r.args)) {
          const dest = red.children.find((c) => c.field === 'destination');
          const op = red.children.find((c) => !c.named)?.text;
          if (op === '<' && dest?.type === 'process_substitution') {
            const inner = dest.text.slice(2, -1).trim();
            if (!LITERAL_PRINT.test(inner))
              why = `${r.name} runs a program from <(${words(inner)[0] ?? ''} …) (computed at run time)`;
          }
        }
    }
    if (
      !why &&
      (n.type === 'redirected_statement' || (n.type === 'command' && parent?.type !== 'redirected_statement'))
    ) {
      const cmd = commandOf(n);
      const r = cmd ? reader(words(cmd.text)) : null;
      if (r && (r.name === 'make' || r.name === 'gmake') && makeReadsStdin(r.args)) {
        const text = fedText(n);
        // From a pipe: judged above; from a file or the terminal: asks.
        if (text === null) why = parent?.type === 'pipeline' ? '' : 'make reads a makefile from stdin';
        else
          for (const line of text.split('\n'))
            if (!why && line.startsWith('\t')) why = check(line.replace(/^\t[@+-]*/, ''));
      }
    }
    for (const c of n.children) if (!why) visit(c, n);
  };
  visit(root, null);
  return why;
}
