/**
 * The text half of the shell snapshot (shell-snapshot.ts): the snapshot file rendered from a
 * capture (variables the profile added or changed, minus secrets and per-process ones; aliases;
 * options; functions), the per-command choice of functions, and the secret scrub that prefixes a
 * login-shell command.
 */
import { SECRET_NAME_RE } from '../../util/redact.js';
import { isSecretVar } from './env.js';
import { RUN_ID_VAR } from './run-marker.js';
import { type CapturedShell, shQuote } from './shell-capture.js';

/** Variables never carried by a snapshot: per-process state, or set by tether per command. */
const SKIP_VARS = new Set([
  'PWD',
  'OLDPWD',
  'SHLVL',
  '_',
  'PAGER',
  'GIT_PAGER',
  'TERM',
  'COLUMNS',
  'LINES',
  RUN_ID_VAR,
  // Files every non-interactive bash / sh would source before each command: they would re-run
  // profile code (and re-export the secrets the snapshot filtered out) every time.
  'BASH_ENV',
  'ENV',
]);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Set (not exported) to make sourcing the snapshot define every function too. */
export const ALL_FUNCTIONS_FLAG = '__tether_all_functions';
/** Functions inlined per command up to this size; past it the whole file is sourced. */
export const INLINE_FUNCTIONS_MAX = 64 * 1024;
/** Called by the shell itself, never named in a command. */
const ALWAYS_FUNCTIONS = new Set(['command_not_found_handle', 'command_not_found_handler']);

/**
 * Splits `declare -f` (bash) / `typeset -f` (zsh) output into one definition per function; null
 * when the text does not have the expected shape (then every function is always defined).
 */
export function splitFunctions(text: string): Map<string, string> | null {
  const out = new Map<string, string>();
  const trimmed = text.trim();
  if (trimmed === '') return out;
  const starts = [...trimmed.matchAll(/^(\S+) \(\) ?(?:\{ ?)?$/gm)];
  if (starts.length === 0 || starts[0]?.index !== 0) return null;
  for (let i = 0; i < starts.length; i++) {
    const m = starts[i] as RegExpMatchArray;
    const end = starts[i + 1]?.index ?? trimmed.length;
    const body = trimmed.slice(m.index ?? 0, end).trimEnd();
    if (!body.endsWith('}')) return null;
    out.set(m[1] as string, body);
  }
  return out;
}

const WORD_RE = /[A-Za-z0-9_:.+@%-]+/g;

/**
 * The functions a command can reach: those named in it (directly or through an alias it names),
 * and, transitively, those named in their bodies. Sourcing only these keeps a profile with
 * hundreds of functions (nvm, oh-my-zsh) from costing parse time on every command.
 */
export function functionsFor(
  command: string,
  functions: ReadonlyMap<string, string>,
  aliases: ReadonlyMap<string, string>,
): string[] {
  const words = new Set(command.match(WORD_RE) ?? []);
  for (const w of [...words]) {
    const a = aliases.get(w);
    if (a) for (const x of a.match(WORD_RE) ?? []) words.add(x);
  }
  const picked: string[] = [];
  const seen = new Set<string>();
  const queue = [...words, ...ALWAYS_FUNCTIONS];
  while (queue.length > 0) {
    const w = queue.pop() as string;
    if (seen.has(w)) continue;
    seen.add(w);
    const body = functions.get(w);
    if (body === undefined) continue;
    picked.push(w);
    for (const x of body.match(WORD_RE) ?? []) if (!seen.has(x) && functions.has(x)) queue.push(x);
  }
  return picked;
}

/** Alias name → value, from `alias -p` (bash) / `alias -L` (zsh) lines. */
export function parseAliases(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^alias (?:-- )?([^=\s]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1] as string, m[2] as string);
  }
  return out;
}

/**
 * The snapshot file's text: the variables the profile added or changed relative to `base` (minus
 * secrets and per-process ones), aliases and options; then, after a guard that stops a plain
 * `.` there, every function (commands get the functions they name inlined instead).
 */
export function renderSnapshot(
  kind: 'bash' | 'zsh',
  cap: CapturedShell,
  base: Record<string, string>,
): {
  text: string;
  filtered: string[];
  /** The filtered variables with their values: redacted from tool output (never written anywhere). */
  secrets: Record<string, string>;
  functions: Map<string, string> | null;
  aliases: Map<string, string>;
} {
  const lines = [`# tether shell snapshot (${kind}); sourced before each command. Do not edit.`];
  const filtered: string[] = [];
  const secrets: Record<string, string> = {};
  for (const [name, value] of cap.vars) {
    if (!NAME_RE.test(name) || SKIP_VARS.has(name) || name.startsWith('__t')) continue;
    if (base[name] === value) continue;
    if (isSecretVar(name, value)) {
      filtered.push(name);
      secrets[name] = value;
      continue;
    }
    lines.push(`export ${name}=${shQuote(value)}`);
  }
  if (kind === 'bash') lines.push('shopt -s expand_aliases');
  lines.push(cap.aliases.trim(), cap.options.trim());
  const functions = splitFunctions(cap.functions);
  if (functions) lines.push(`[ -n "\${${ALL_FUNCTIONS_FLAG}-}" ] || return 0`);
  lines.push(cap.functions.trim());
  return {
    text: `${lines.filter((l) => l !== '').join('\n')}\n`,
    filtered,
    secrets,
    functions,
    aliases: parseAliases(cap.aliases),
  };
}

/** Words of {@link SECRET_NAME_RE} as a shell case pattern. */
const SECRET_WORDS = SECRET_NAME_RE.source.split('|');

/**
 * Prefix for login-shell commands: unsets exported variables whose name looks secret (the same
 * name rule as tether's environment), so a profile's `export OPENAI_API_KEY=…` does not reach the
 * command. Value patterns cannot be checked portably in the shell; the snapshot path checks both.
 */
export function loginScrub(kind: 'bash' | 'zsh' | 'sh'): string {
  const keep = 'PATH|HOME|LANG|SHELL|TMPDIR|USER|LOGNAME|TERM|COLORTERM|PWD|TZ';
  if (kind === 'sh') {
    // POSIX sh (dash): names from `export -p`, upper-cased with tr for the case-sensitive `case`.
    const pat = SECRET_WORDS.map((w) => `*${w}*`).join('|');
    return `for __tn in $(export -p | sed -n 's/^export \\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\1/p'); do case "$(printf %s "$__tn" | tr a-z A-Z)" in ${keep}) ;; ${pat}) unset "$__tn";; esac; done; unset __tn\n`;
  }
  if (kind === 'zsh') {
    const pat = `*(${SECRET_WORDS.join('|')})*`;
    return `for __tn in \${(k)parameters[(R)*export*]}; do [[ \${(U)__tn} != (${keep}) && \${(U)__tn} == ${pat} ]] && unset $__tn; done; unset __tn\n`;
  }
  const pat = SECRET_WORDS.map((w) => `*${w}*`).join('|');
  return `shopt -s nocasematch; while IFS= read -r __tn; do case "$__tn" in ${keep}) ;; ${pat}) unset "$__tn";; esac; done < <(compgen -e); shopt -u nocasematch; unset __tn\n`;
}
