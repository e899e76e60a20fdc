/**
 * Shows text exactly as it is, with nothing interpreted and nothing hidden: every character that
 * a terminal would act on or that cannot be seen (C0/C1 controls, DEL, escape, bidi overrides and
 * isolates, zero-width and other default-ignorable characters, unusual spaces and line
 * separators) becomes a visible escape such as `\r`, `\x1b` or `\u202e`. Used wherever a command
 * is shown for approval or summarized: a carriage return cannot make `rm -rf x \r echo ok` look
 * like `echo ok`, and a right-to-left override cannot reorder what is displayed.
 */

/** One run of a rendered string: either the text itself or the escape of one hidden character. */
export interface VisibleSegment {
  text: string;
  /** True when `text` is the escape of an invisible or control character. */
  escaped: boolean;
}

// Tab and newline are shown as themselves (whitespace the reader sees); everything below is not.
const HIDDEN =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]|(?! )\p{Zs}/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');

const NAMED: Record<string, string> = {
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\r': '\\r',
  '\v': '\\v',
  '\x1b': '\\x1b',
};

/** True when `text` has a character that {@link visibleText} would escape. */
export function hasHiddenChars(text: string): boolean {
  return HIDDEN.test(text);
}

/** The escape shown for one hidden character (`\r`, `\x1b`, `\u202e`, `\u{e0041}`). */
export function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const cp = ch.codePointAt(0) ?? 0;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\u{${cp.toString(16)}}`;
}

/** Splits `text` into plain runs and escaped hidden characters (for styled rendering). */
export function visibleSegments(text: string): VisibleSegment[] {
  const out: VisibleSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(HIDDEN_ALL)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ text: text.slice(last, at), escaped: false });
    out.push({ text: escapeChar(m[0]), escaped: true });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), escaped: false });
  return out;
}

/** `text` with every hidden character replaced by its visible escape. Pure; never drops text. */
export function visibleText(text: string): string {
  return text.replace(HIDDEN_ALL, escapeChar);
}

/** {@link visibleText} on one line: newlines shown as `\n` and tabs as `\t` too. */
export function visibleLine(text: string): string {
  return visibleText(text).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}
