/**
 * Text that came from the model or a tool, made safe to write to a terminal (issue 13 §9): every
 * escape sequence is removed whole — CSI (cursor movement, erase, SGR), OSC (window title, OSC 52
 * clipboard, hyperlinks) up to BEL or ST, DCS/SOS/PM/APC strings up to ST, two-byte escapes
 * (`ESC c` reset …) — in both 7-bit (`ESC [`) and 8-bit (`\x9b`) forms, and every other control
 * character except newline and tab is shown in caret notation (`^M`, `^H`) instead of acting on
 * the terminal. `\r\n` becomes `\n`. Used only when the stream is a terminal; pipes get raw bytes.
 */

const ESC = 0x1b;
const BEL = 0x07;
/** 8-bit introducers: DCS, SOS, CSI, ST, OSC, PM, APC. */
const C1_DCS = 0x90;
const C1_SOS = 0x98;
const C1_CSI = 0x9b;
const C1_ST = 0x9c;
const C1_OSC = 0x9d;
const C1_PM = 0x9e;
const C1_APC = 0x9f;

/** Index just past a CSI sequence whose parameters start at `i` (or the end of the text). */
function skipCsi(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c >= 0x40 && c <= 0x7e) return i + 1; // final byte
    if (c < 0x20 || c > 0x3f) return i; // malformed: the sequence ends, this byte is kept
    i++; // parameter (0x30–0x3f) or intermediate (0x20–0x2f) byte
  }
  return i;
}

/** Index just past a string sequence (OSC/DCS/…) whose payload starts at `i`: up to BEL (OSC) or ST. */
function skipString(s: string, i: number, belEnds: boolean): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (belEnds && c === BEL) return i + 1;
    if (c === C1_ST) return i + 1;
    if (c === ESC && s.charCodeAt(i + 1) === 0x5c) return i + 2; // ESC \
    i++;
  }
  return i; // unterminated: everything to the end is payload
}

function caret(c: number): string {
  if (c < 0x20) return `^${String.fromCharCode(c + 0x40)}`;
  if (c === 0x7f) return '^?';
  return `\\x${c.toString(16).padStart(2, '0')}`;
}

/** `text` without escape sequences and with other control characters made visible. Pure. */
export function terminalSafe(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x09 || (c >= 0x20 && c < 0x7f) || c > 0x9f) {
      let j = i + 1;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (!(d === 0x0a || d === 0x09 || (d >= 0x20 && d < 0x7f) || d > 0x9f)) break;
        j++;
      }
      out += text.slice(i, j);
      i = j;
      continue;
    }
    if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) {
      i++; // CRLF → LF
      continue;
    }
    if (c === ESC) {
      const n = text.charCodeAt(i + 1);
      if (Number.isNaN(n)) {
        i++;
      } else if (n === 0x5b) {
        i = skipCsi(text, i + 2); // ESC [
      } else if (n === 0x5d) {
        i = skipString(text, i + 2, true); // ESC ]
      } else if (n === 0x50 || n === 0x58 || n === 0x5e || n === 0x5f) {
        i = skipString(text, i + 2, false); // ESC P, X, ^, _
      } else if (n >= 0x20 && n <= 0x2f) {
        // ESC + intermediates + final (charset designation, …)
        let j = i + 2;
        while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
        i = j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x7e ? j + 1 : j;
      } else if (n >= 0x30 && n <= 0x7e) {
        i += 2; // ESC c, ESC 7, ESC =, …
      } else {
        i++; // lone ESC
      }
      continue;
    }
    if (c === C1_CSI) {
      i = skipCsi(text, i + 1);
      continue;
    }
    if (c === C1_OSC) {
      i = skipString(text, i + 1, true);
      continue;
    }
    if (c === C1_DCS || c === C1_SOS || c === C1_PM || c === C1_APC) {
      i = skipString(text, i + 1, false);
      continue;
    }
    out += caret(c);
    i++;
  }
  return out;
}
