/**
 * Word values of a parsed bash script. A word is either fully literal (its value is certain,
 * nothing in it is expanded by bash) or not; anything the classifier does not understand is "not".
 */
import type { ShNode } from './shell-parser.js';

/** What bash makes of one word, as far as it can be known without running anything. */
export interface WordValue {
  /**
   * The word after quote removal when that is certain, else a best guess (expansions kept as
   * written) that the destructive-command check uses; null when nothing sensible can be said.
   */
  value: string | null;
  /** True when `value` is exactly what bash passes: no expansion, glob, brace, tilde or escape. */
  literal: boolean;
  /** Why the word is not literal (`parameter expansion`, `glob`, `brace`…); empty when literal. */
  why: string;
  /**
   * Part of the value exists only at run time (a parameter, command, arithmetic or process
   * substitution, a glob, a tilde): `value` is a guess. False for what can be decoded statically
   * (`$'…'`, braces, which the destructive check expands).
   */
  runtime?: boolean;
  /** The whole word is one quoted string (`"…"`, `'…'`): bash never splits it into more words. */
  quoted?: boolean;
}

// Unquoted characters that are plainly themselves to bash (plus any non-ASCII character; hidden
// ones are rejected before words are looked at).
const PLAIN_CHAR = /^[A-Za-z0-9_\-.,:/=+@%^\u0080-\u{10ffff}]$/u;

/**
 * Reads an unquoted word as bash does: `\x` is the literal `x` (so `\*`, `\{` and `\$` are
 * plain characters); any other character outside {@link PLAIN_CHAR} (glob, brace, tilde, `$`,
 * `#`…) makes the word not literal.
 */
function readUnquoted(text: string): WordValue {
  let value = '';
  let why = '';
  let runtime = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined || next === '\n') {
        why ||= 'line continuation inside a word';
        i++;
        continue;
      }
      value += next;
      i++;
      continue;
    }
    value += c;
    if (PLAIN_CHAR.test(c)) continue;
    let reason: string;
    if (c === '{' || c === '}') reason = 'brace expansion';
    else if (c === '~') {
      // Only a leading tilde (or one after `=`/`:`) expands: `HEAD~1` is what it says.
      runtime ||= i === 0 || text[i - 1] === '=' || text[i - 1] === ':';
      reason = 'tilde expansion';
    } else if (c === '*' || c === '?' || c === '[' || c === ']' || c === '$' || c === '`') {
      runtime = true;
      reason = c === '$' || c === '`' ? 'expansion' : 'glob';
    } else reason = `unusual character ${JSON.stringify(c)} in a word`;
    why ||= reason;
  }
  return { value, literal: why === '', why, runtime };
}

const C_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** What bash makes of `$'…'` (ANSI-C quoting): `\n`, `\xHH`, `\NNN`, `\uHHHH`, `\cX`… decoded. */
export function decodeAnsiC(text: string): string {
  const body = text.startsWith("$'") ? text.slice(2, text.endsWith("'") ? -1 : undefined) : text;
  return body.replace(
    /\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c.|[\s\S])/g,
    (m: string, e: string) => {
      const k = e[0] as string;
      if (k === 'x' || k === 'u' || k === 'U') {
        const code = Number.parseInt(e.slice(1), 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      if (/[0-7]/.test(k)) return String.fromCharCode(Number.parseInt(e, 8) & 0xff);
      if (k === 'c' && e.length === 2) return String.fromCharCode((e.charCodeAt(1) & 0x1f) as number);
      return C_ESCAPES[k] ?? m;
    },
  );
}

/** Inside double quotes a backslash escapes only `$ \` " \\` and newline. */
function unescapeDouble(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c));
}

function doubleQuoted(node: ShNode): WordValue {
  let value = '';
  let literal = true;
  let why = '';
  for (const c of node.children) {
    if (!c.named && c.type === '"') continue;
    if (c.type === 'string_content') {
      // A `$` or backtick the grammar left inside the content is still bash syntax.
      const bare = c.text.replace(/\\[\s\S]/g, '');
      if (/[$`]/.test(bare)) {
        literal = false;
        why ||= 'expansion';
      }
      value += unescapeDouble(c.text);
      continue;
    }
    literal = false;
    why ||= c.type === 'command_substitution' ? 'command substitution' : 'expansion';
    value += c.text;
  }
  return { value, literal, why, runtime: !literal, quoted: true };
}

const EXPANSION_NAMES: Record<string, string> = {
  simple_expansion: 'parameter expansion',
  expansion: 'parameter expansion',
  command_substitution: 'command substitution',
  process_substitution: 'process substitution',
  arithmetic_expansion: 'arithmetic expansion',
  brace_expression: 'brace expansion',
  ansi_c_string: "ANSI-C quoting $'…'",
  translated_string: 'locale quoting $"…"',
};

/** The value of a word-like node (`word`, `string`, `raw_string`, `number`, `concatenation`…). */
export function wordValue(node: ShNode): WordValue {
  switch (node.type) {
    case 'word':
      return readUnquoted(node.text);
    case 'number':
      return /^-?[0-9]+$/.test(node.text)
        ? { value: node.text, literal: true, why: '' }
        : { value: node.text, literal: false, why: 'number syntax' };
    case 'raw_string':
      return { value: node.text.slice(1, -1), literal: true, why: '', quoted: true };
    case 'string':
      return doubleQuoted(node);
    case 'concatenation': {
      let value = '';
      let literal = true;
      let why = '';
      let runtime = false;
      for (const c of node.children) {
        const v = wordValue(c);
        if (v.value === null) return { value: null, literal: false, why: v.why, runtime: true };
        value += v.value;
        runtime ||= v.runtime === true;
        if (!v.literal) {
          literal = false;
          why ||= v.why;
        }
      }
      return { value, literal, why, runtime };
    }
    case 'command_name': {
      const only = node.children.length === 1 ? node.children[0] : undefined;
      return only
        ? wordValue(only)
        : { value: null, literal: false, why: 'complex command name', runtime: true };
    }
    case 'ansi_c_string':
      return { value: decodeAnsiC(node.text), literal: false, why: EXPANSION_NAMES[node.type] as string };
    case 'brace_expression':
      return { value: node.text, literal: false, why: EXPANSION_NAMES[node.type] as string };
    default: {
      const known = EXPANSION_NAMES[node.type];
      // Expansions keep their text as a best guess for the destructive check (`$RM -rf`).
      return {
        value: known ? node.text : null,
        literal: false,
        why: known ?? `${node.type} syntax`,
        runtime: true,
      };
    }
  }
}
