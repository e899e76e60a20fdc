/**
 * A small, conservative POSIX-shell lexer for command classification. It does not execute or
 * expand anything; it only tells words from operators, records whether a word is a plain literal
 * (no `$`, backticks or substitutions) and collects the inner text of every command
 * substitution so callers can inspect nested commands. Anything it cannot read with certainty
 * (unclosed quotes, unbalanced `$(`) is reported as a failure, which callers treat as "ask".
 */

/** One lexical token. */
export type ShellToken =
  | { t: 'word'; value: string; literal: boolean }
  | { t: 'op'; value: string }
  | { t: 'redir'; value: string };

/** Lexer output. */
export type LexResult =
  | { ok: true; tokens: ShellToken[]; substitutions: string[] }
  | { ok: false; error: string };

const OPERATOR_CHARS = new Set(['&', '|', ';', '(', ')', '<', '>', '\n']);

/**
 * Reads a balanced `$( … )` / `<( … )` body starting just after the opening paren.
 * Returns the index of the closing paren, or -1 when unbalanced.
 */
function findClosingParen(s: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return -1;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const end = findClosingDoubleQuote(s, i + 1);
      if (end < 0) return -1;
      i = end + 1;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
    i++;
  }
  return -1;
}

/** Index of the `"` closing a double-quoted string whose body starts at `start`, or -1. */
function findClosingDoubleQuote(s: string, start: number): number {
  let i = start;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '"') return i;
    if (c === '$' && s[i + 1] === '(') {
      const end = findClosingParen(s, i + 2);
      if (end < 0) return -1;
      i = end + 1;
      continue;
    }
    if (c === '`') {
      const end = findBacktick(s, i + 1);
      if (end < 0) return -1;
      i = end + 1;
      continue;
    }
    i++;
  }
  return -1;
}

function findBacktick(s: string, start: number): number {
  let i = start;
  while (i < s.length) {
    if (s[i] === '\\') {
      i += 2;
      continue;
    }
    if (s[i] === '`') return i;
    i++;
  }
  return -1;
}

/** Tokenises `src`. Never throws. */
export function lexShell(src: string): LexResult {
  const tokens: ShellToken[] = [];
  const substitutions: string[] = [];
  let word = '';
  let inWord = false;
  let literal = true;
  const flush = () => {
    if (inWord) tokens.push({ t: 'word', value: word, literal });
    word = '';
    inWord = false;
    literal = true;
  };
  // Reads `$…` at index i (s[i] === '$'); returns the next index.
  const readDollar = (i: number): number | null => {
    const n = src[i + 1];
    if (n === '(') {
      const end = findClosingParen(src, i + 2);
      if (end < 0) return null;
      substitutions.push(src.slice(i + 2, end));
      word += src.slice(i, end + 1);
      literal = false;
      return end + 1;
    }
    if (n === '{') {
      const end = src.indexOf('}', i + 2);
      if (end < 0) return null;
      word += src.slice(i, end + 1);
      literal = false;
      return end + 1;
    }
    if (n !== undefined && /[A-Za-z0-9_@*#?$!-]/.test(n)) {
      let j = i + 1;
      if (/[A-Za-z_]/.test(n)) while (j < src.length && /[A-Za-z0-9_]/.test(src[j] ?? '')) j++;
      else j++;
      word += src.slice(i, j);
      literal = false;
      return j;
    }
    word += '$';
    return i + 1;
  };

  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\r') {
      flush();
      i++;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\\') {
      if (src[i + 1] === '\n') {
        i += 2;
        continue;
      }
      if (i + 1 >= src.length) return { ok: false, error: 'trailing backslash' };
      word += src[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) return { ok: false, error: 'unclosed single quote' };
      word += src.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const end = findClosingDoubleQuote(src, i + 1);
      if (end < 0) return { ok: false, error: 'unclosed double quote' };
      inWord = true;
      let j = i + 1;
      while (j < end) {
        const d = src[j] as string;
        if (d === '\\' && j + 1 < end && '$`"\\\n'.includes(src[j + 1] as string)) {
          word += src[j + 1];
          j += 2;
        } else if (d === '$') {
          const next = readDollar(j);
          if (next === null) return { ok: false, error: 'unbalanced expansion' };
          j = next;
        } else if (d === '`') {
          const bt = findBacktick(src, j + 1);
          if (bt < 0 || bt > end) return { ok: false, error: 'unclosed backtick' };
          substitutions.push(src.slice(j + 1, bt));
          word += src.slice(j, bt + 1);
          literal = false;
          j = bt + 1;
        } else {
          word += d;
          j++;
        }
      }
      i = end + 1;
      continue;
    }
    if (c === '$') {
      if (src[i + 1] === "'") {
        // ANSI-C quoting: $'…'. Treated as an opaque quoted literal.
        const end = src.indexOf("'", i + 2);
        if (end < 0) return { ok: false, error: "unclosed $' quote" };
        word += src.slice(i + 2, end);
        inWord = true;
        literal = false;
        i = end + 1;
        continue;
      }
      inWord = true;
      const next = readDollar(i);
      if (next === null) return { ok: false, error: 'unbalanced expansion' };
      i = next;
      continue;
    }
    if (c === '`') {
      const end = findBacktick(src, i + 1);
      if (end < 0) return { ok: false, error: 'unclosed backtick' };
      substitutions.push(src.slice(i + 1, end));
      word += src.slice(i, end + 1);
      inWord = true;
      literal = false;
      i = end + 1;
      continue;
    }
    if ((c === '<' || c === '>') && src[i + 1] === '(') {
      // Process substitution <( … ) / >( … ).
      const end = findClosingParen(src, i + 2);
      if (end < 0) return { ok: false, error: 'unbalanced process substitution' };
      substitutions.push(src.slice(i + 2, end));
      word += src.slice(i, end + 1);
      inWord = true;
      literal = false;
      i = end + 1;
      continue;
    }
    if (OPERATOR_CHARS.has(c)) {
      if (c === '<' || c === '>') {
        // A word made only of digits right before the operator is its fd number (2>file).
        const fd = inWord && /^\d+$/.test(word) && literal ? word : '';
        if (fd) {
          word = '';
          inWord = false;
        } else flush();
        let op = c;
        const rest = src.slice(i + 1, i + 3);
        if (c === '<' && rest.startsWith('<<')) op = '<<<';
        else if (c === '<' && rest.startsWith('<-')) op = '<<-';
        else if (
          rest[0] === c ||
          rest[0] === '&' ||
          (c === '>' && rest[0] === '|') ||
          (c === '<' && rest[0] === '>')
        )
          op = c + rest[0];
        tokens.push({ t: 'redir', value: fd + op });
        i += op.length;
        continue;
      }
      flush();
      const two = src.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === ';;' || two === '|&') {
        tokens.push({ t: 'op', value: two });
        i += 2;
        continue;
      }
      if (c === '&' && src[i + 1] === '>') {
        const op = src[i + 2] === '>' ? '&>>' : '&>';
        tokens.push({ t: 'redir', value: op });
        i += op.length;
        continue;
      }
      tokens.push({ t: 'op', value: c });
      i++;
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  flush();
  return { ok: true, tokens, substitutions };
}
