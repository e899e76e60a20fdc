/**
 * Raw terminal input → key presses (pure). A terminal read can hold many keys at once: a held
 * Backspace, a fast typist, arrows, `tmux send-keys`, a paste. Ink's `useInput` hands such a
 * chunk to its handler as ONE input string (only escape sequences are split off), so five DELs
 * arrived as one unknown "key" and were dropped, or inserted as invisible characters. Every
 * chunk is split here into its keys, which the controller applies one after another through
 * the reducers.
 *
 * Bracketed paste (`ESC[200~` … `ESC[201~`, enabled by the screen) becomes one `paste` key with
 * the text verbatim, even when the terminal delivers it over several reads.
 */
import type { KeyPress } from '../keymap.js';

/** Parser state carried between reads (only a bracketed paste spans reads). */
export interface KeyParserState {
  /** Text of a bracketed paste still being received, else null. */
  paste: string | null;
}

/** Result of {@link parseKeys}. */
export interface ParsedKeys {
  state: KeyParserState;
  keys: KeyPress[];
}

/** No paste in progress. */
export const INITIAL_KEY_PARSER: KeyParserState = { paste: null };

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

const key = (name: string, mods: Partial<Pick<KeyPress, 'ctrl' | 'meta' | 'shift'>> = {}): KeyPress => ({
  name,
  text: '',
  ctrl: mods.ctrl ?? false,
  meta: mods.meta ?? false,
  shift: mods.shift ?? false,
});

/** A text key (printable characters, inserted as they are). */
export const textKey = (text: string): KeyPress => ({
  name: text.length === 1 ? text : '',
  text,
  ctrl: false,
  meta: false,
  shift: false,
});

/** A paste key: `text` is inserted verbatim (newlines included). */
export const pasteKey = (text: string): KeyPress => ({ ...key('paste'), text });

/** xterm modifier parameter (1 + shift 1 + alt 2 + ctrl 4 + meta 8) → flags. */
function modifiers(param: number | undefined): Pick<KeyPress, 'ctrl' | 'meta' | 'shift'> {
  const m = Math.max(0, (param ?? 1) - 1);
  return { shift: (m & 1) !== 0, meta: (m & 2) !== 0 || (m & 8) !== 0, ctrl: (m & 4) !== 0 };
}

const CSI_LETTER: Record<string, string> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  P: 'f1',
  Q: 'f2',
  R: 'f3',
  S: 'f4',
};

const CSI_TILDE: Record<number, string> = {
  1: 'home',
  2: 'insert',
  3: 'delete',
  4: 'end',
  5: 'pageup',
  6: 'pagedown',
  7: 'home',
  8: 'end',
};

/** A code point (CSI u / modifyOtherKeys) → key name. */
function codepointKey(code: number, mods: Pick<KeyPress, 'ctrl' | 'meta' | 'shift'>): KeyPress | null {
  if (code === 13) return key('return', mods);
  if (code === 9) return key('tab', mods);
  if (code === 27) return key('escape', mods);
  if (code === 127 || code === 8) return key('backspace', mods);
  if (code >= 32 && code < 0x110000) {
    const ch = String.fromCodePoint(code);
    if (!mods.ctrl && !mods.meta) return textKey(mods.shift ? ch.toUpperCase() : ch);
    return key(ch.toLowerCase(), mods);
  }
  return null;
}

/** Parses the CSI sequence body (between `ESC[` and the final byte, inclusive). */
function csiKey(params: string, final: string): KeyPress | null {
  const nums = params.split(';').map((p) => (p === '' ? undefined : Number(p.split(':')[0])));
  if (final === 'Z') return key('tab', { shift: true });
  const letter = CSI_LETTER[final];
  if (letter) return key(letter, modifiers(nums[1]));
  if (final === '~') {
    // xterm modifyOtherKeys: ESC[27;<mod>;<code>~
    if (nums[0] === 27 && nums[2] !== undefined) return codepointKey(nums[2], modifiers(nums[1]));
    const name = CSI_TILDE[nums[0] ?? -1];
    return name ? key(name, modifiers(nums[1])) : null;
  }
  // CSI u (kitty / fixterms): ESC[<code>;<mod>u
  if (final === 'u' && nums[0] !== undefined) return codepointKey(nums[0], modifiers(nums[1]));
  return null;
}

/** A C0 control character (other than ESC) → key. */
function controlKey(ch: string): KeyPress | null {
  const c = ch.charCodeAt(0);
  if (ch === '\r') return key('return');
  if (ch === '\n') return key('linefeed');
  if (ch === '\t') return key('tab');
  if (c === 0x7f || c === 0x08) return key('backspace');
  if (c === 0) return key('space', { ctrl: true });
  if (c >= 1 && c <= 26) return key(String.fromCharCode(c + 96), { ctrl: true });
  return null; // FS, GS, RS, US: nothing bound, never inserted
}

/**
 * Reads one escape sequence at `i` (text[i] === ESC). Returns the key (null: recognised but
 * unbound, skipped) and the index after it. `meta` marks an ESC-prefixed (Alt) key.
 */
function escapeAt(text: string, i: number, meta = false): { key: KeyPress | null; next: number } {
  const next = text[i + 1];
  if (next === undefined) return { key: key('escape'), next: i + 1 };
  if (next === '[' || next === 'O') {
    // CSI: parameter and intermediate bytes, then one final byte (0x40–0x7e).
    let j = i + 2;
    if (next === '[' && text[j] === '[') j++; // linux console F-keys: ESC[[A
    while (j < text.length && /[\x20-\x3f]/.test(text[j] as string)) j++;
    const final = text[j];
    if (final === undefined || !/[\x40-\x7e]/.test(final)) {
      // Not a well-formed sequence: an Alt+[ / Alt+O, the rest is read as keys.
      return { key: meta ? null : key(next === '[' ? '[' : 'o', { meta: true }), next: i + 2 };
    }
    const params = text.slice(i + 2, j);
    const k =
      next === 'O' ? (CSI_LETTER[final] ? key(CSI_LETTER[final] as string) : null) : csiKey(params, final);
    return { key: k && meta ? { ...k, meta: true } : k, next: j + 1 };
  }
  if (next === '\x1b') {
    // ESC ESC: Alt + the following key (ESC ESC [ D is Alt+Left on many terminals).
    const inner = escapeAt(text, i + 1, true);
    return {
      key: inner.key ? { ...inner.key, meta: true } : key('escape', { meta: true }),
      next: inner.next,
    };
  }
  // Alt + one character.
  const cp = text.codePointAt(i + 1) as number;
  const ch = String.fromCodePoint(cp);
  const base = controlKey(ch);
  const k = base
    ? { ...base, meta: true }
    : key(ch.toLowerCase(), { meta: true, shift: ch !== ch.toLowerCase() });
  return { key: k, next: i + 1 + ch.length };
}

/** True for characters a composer inserts as text. */
const isPrintable = (c: number) => c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c < 0xa0);

/**
 * Keeps a pasted text's characters: line breaks normalised to `\n`, tabs kept, every other
 * control character (an escape sequence inside a paste, a NUL) dropped so nothing invisible can
 * reach a command.
 */
export function cleanPaste(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/g, '');
}

/**
 * Splits one read of terminal input into key presses. Runs of printable characters become one
 * text key each; every control character and escape sequence is its own key. A read that is a
 * whole unbracketed paste (printable text with line breaks inside, no other control keys) is one
 * paste key, so a terminal without bracketed paste does not submit it line by line.
 */
export function parseKeys(state: KeyParserState, chunk: string): ParsedKeys {
  const keys: KeyPress[] = [];
  let paste = state.paste;
  let i = 0;
  const text = chunk;
  if (paste === null && /^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$/.test(text) && /[\r\n][^\r\n]/.test(text)) {
    keys.push(pasteKey(cleanPaste(text)));
    return { state, keys };
  }
  while (i < text.length) {
    if (paste !== null) {
      const end = text.indexOf(PASTE_END, i);
      if (end === -1) {
        paste += text.slice(i);
        break;
      }
      paste += text.slice(i, end);
      keys.push(pasteKey(cleanPaste(paste)));
      paste = null;
      i = end + PASTE_END.length;
      continue;
    }
    if (text.startsWith(PASTE_START, i)) {
      paste = '';
      i += PASTE_START.length;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === 0x1b) {
      const r = escapeAt(text, i);
      if (r.key) keys.push(r.key);
      i = r.next;
      continue;
    }
    if (!isPrintable(c)) {
      const k = controlKey(text[i] as string);
      if (k) keys.push(k);
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && isPrintable(text.charCodeAt(j))) j++;
    keys.push(textKey(text.slice(i, j)));
    i = j;
  }
  return { state: paste === state.paste && paste === null ? state : { paste }, keys };
}
