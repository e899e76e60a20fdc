/**
 * Pre-wraps rendered (ANSI-styled) text to the width Ink lays it out at, so Ink's own wrapping
 * never runs. Ink measures every `<Text>` and, when its widest line is wider than the box,
 * re-wraps the *whole* text with wrap-ansi (hard, untrimmed) during layout and again while
 * drawing; wrap-ansi measures every word, row and character with the slow path of string-width,
 * which made it the largest cost of streaming a long answer. Here only the lines that do not fit
 * are wrapped, and those with the same algorithm — ported for the common case (printable text
 * styled with plain SGR codes), wrap-ansi itself otherwise — so the rows on screen are exactly
 * the ones Ink would have produced.
 */
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

// CSI / OSC / two-byte escapes (the styling the markdown renderer adds).
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]/g;

/**
 * Text in which no UTF-16 code unit is wider than one column (so width ≤ length): everything below
 * U+1100 (where the first wide characters, Hangul jamo, start), general punctuation such as
 * dashes, quotes, bullets and the ellipsis, and box drawing / block elements (tables).
 */
const NARROW = /^[\0-\u10ff\u2010-\u2027\u2500-\u259f]*$/;

/**
 * Lines the port of wrap-ansi handles: characters that are one column wide for every
 * string-width version involved and that Unicode normalisation leaves alone (printable ASCII,
 * Latin letters except ©, ® and the soft hyphen, general punctuation, box drawing), and SGR
 * sequences with a single parameter (what chalk emits).
 */
const SIMPLE = /^(?:[\x20-\x7e\xa0-\xa8\xaa-\xac\xaf-\u02ff\u2010-\u2027\u2500-\u259f]|\x1b\[\d+m)*$/;
const SGR = /\x1b\[\d+m/g;
const SGR_CODE = /\[(\d+)m/y;

/** Printable width of `line` as Ink measures it (string-width), with a fast path for ASCII. */
export function lineWidth(line: string): number {
  const plain = line.includes('\x1b') ? line.replace(ANSI, '') : line;
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length;
  return stringWidth(plain);
}

/** Whether `line` fits in `width` columns. */
function fits(line: string, width: number): boolean {
  if (line.length <= width && NARROW.test(line)) return true;
  return lineWidth(line) <= width;
}

/** Width of a {@link SIMPLE} string: its length without the SGR sequences. */
function simpleWidth(s: string): number {
  return s.includes('\x1b') ? s.replace(SGR, '').length : s.length;
}

// ansi-styles' `codes` (open → close), as wrap-ansi uses it to close and re-open the last style
// at each row break.
const CLOSE = new Map<number, number>([
  [0, 0],
  [1, 22],
  [2, 22],
  [3, 23],
  [4, 24],
  [53, 55],
  [7, 27],
  [8, 28],
  [9, 29],
]);
for (let c = 30; c <= 37; c++) CLOSE.set(c, 39).set(c + 60, 39);
for (let c = 40; c <= 47; c++) CLOSE.set(c, 49).set(c + 60, 49);

/** wrap-ansi's `wrapWord` for a {@link SIMPLE} word: splits a word longer than a row. */
function wrapWord(rows: string[], word: string, columns: number): number {
  let inEscape = false;
  let visible = simpleWidth(rows[rows.length - 1] ?? '');
  for (let i = 0; i < word.length; i++) {
    const ch = word[i] ?? '';
    const len = ch === '\x1b' ? 0 : 1;
    if (visible + len <= columns) rows[rows.length - 1] += ch;
    else {
      rows.push(ch);
      visible = 0;
    }
    if (ch === '\x1b') inEscape = true;
    if (inEscape) {
      if (ch === 'm') inEscape = false;
      continue;
    }
    visible += len;
    if (visible === columns && i < word.length - 1) {
      rows.push('');
      visible = 0;
    }
  }
  // A last row made only of escape codes joins the previous one.
  if (!visible && (rows[rows.length - 1] ?? '').length > 0 && rows.length > 1) {
    const last = rows.pop() ?? '';
    rows[rows.length - 1] += last;
  }
  return simpleWidth(rows[rows.length - 1] ?? '');
}

/**
 * `wrapAnsi(line, columns, { trim: false, hard: true })` (wrap-ansi 9, as Ink calls it) for a
 * {@link SIMPLE} line without newlines, including its quirks: it tracks only the last SGR code
 * seen, closing it before each row break and re-opening it after.
 */
export function wrapSimpleLine(line: string, columns: number): string {
  const words = line.split(' ');
  const rows: string[] = [''];
  let rowLength = 0;
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? '';
    const length = simpleWidth(word);
    if (index !== 0) {
      if (rowLength >= columns) {
        rows.push('');
        rowLength = 0;
      }
      rows[rows.length - 1] += ' ';
      rowLength++;
    }
    if (length > columns) {
      const remaining = columns - rowLength;
      const breaksThisLine = 1 + Math.floor((length - remaining - 1) / columns);
      const breaksNextLine = Math.floor((length - 1) / columns);
      if (breaksNextLine < breaksThisLine) rows.push('');
      rowLength = wrapWord(rows, word, columns);
      continue;
    }
    if (rowLength + length > columns && rowLength > 0 && length > 0) {
      rows.push('');
      rowLength = 0;
    }
    rows[rows.length - 1] += word;
    rowLength += length;
  }
  if (rows.length === 1 || !line.includes('\x1b')) return rows.join('\n');
  // Close the last style before each row break and re-open it after (wrap-ansi's second pass).
  const pre = rows.join('\n');
  let out = '';
  let escapeCode: number | undefined;
  for (let i = 0; i < pre.length; i++) {
    const ch = pre[i] ?? '';
    out += ch;
    if (ch === '\x1b') {
      SGR_CODE.lastIndex = i + 1;
      const code = Number(SGR_CODE.exec(pre)?.[1]);
      escapeCode = code === 39 ? undefined : code;
    }
    const close = escapeCode === undefined ? undefined : CLOSE.get(escapeCode);
    if (pre[i + 1] === '\n') {
      if (escapeCode && close) out += `\x1b[${close}m`;
    } else if (ch === '\n') {
      if (escapeCode && close) out += `\x1b[${escapeCode}m`;
    }
  }
  return out;
}

/** One line wrapped to `width` columns exactly as Ink would wrap it. */
function wrapLine(line: string, width: number): string {
  return SIMPLE.test(line) ? wrapSimpleLine(line, width) : wrapAnsi(line, width, { trim: false, hard: true });
}

/**
 * `text` with every line wider than `width` columns wrapped as Ink would wrap it (wrap-ansi,
 * hard, untrimmed); lines that fit are left alone, and `text` itself is returned when all do.
 */
export function wrapToWidth(text: string, width: number): string {
  if (width < 1 || text === '') return text;
  let lines: string[] | null = null;
  let start = 0;
  let i = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    if (!fits(line, width)) {
      lines ??= text.split('\n');
      lines[i] = wrapLine(line, width);
    }
    start = end + 1;
    i++;
  }
  return lines ? lines.join('\n') : text;
}

// A list item's marker as marked-terminal prints it (indentation, a bullet or number, spaces),
// or the indentation of an indented line (code blocks).
const LIST_ITEM = /^(\s*(?:[*•+-]|\d{1,3}[.)])\s+|\s+)\S/;

/** `line` cut after `visible` printable columns (escape sequences kept on the left). */
function splitAtVisible(line: string, visible: number): [string, string] {
  let seen = 0;
  let i = 0;
  while (i < line.length && seen < visible) {
    if (line[i] === '\x1b') {
      ANSI.lastIndex = i;
      const m = ANSI.exec(line);
      if (m && m.index === i) {
        i += m[0].length;
        continue;
      }
    }
    seen++;
    i++;
  }
  ANSI.lastIndex = 0;
  return [line.slice(0, i), line.slice(i)];
}

/**
 * Like {@link wrapToWidth}, but a list item (or indented line) that does not fit keeps a
 * hanging indent: its continuation rows start under the item's text, not at column 0, and no
 * continuation row starts with the space it was broken at. For markdown printed as text (the
 * transcript and the live tail); every row still fits in `width`.
 */
export function wrapMarkdownToWidth(text: string, width: number): string {
  if (width < 1 || text === '') return text;
  const lines = text.split('\n');
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (fits(line, width)) continue;
    changed = true;
    const m = LIST_ITEM.exec(line.replace(ANSI, ''));
    const indent = m?.[1]?.length ?? 0;
    if (!m || width - indent < 10) {
      // wrap-ansi (untrimmed) starts a continuation row with the space it broke at.
      const rows = wrapLine(line, width).split('\n');
      lines[i] = [rows[0], ...rows.slice(1).map((r) => (r.startsWith(' ') ? r.slice(1) : r))].join('\n');
      continue;
    }
    const [head, rest] = splitAtVisible(line, indent);
    const rows = wrapLine(rest, width - indent).split('\n');
    const pad = ' '.repeat(indent);
    lines[i] = [head + rows[0], ...rows.slice(1).map((r) => pad + (r.startsWith(' ') ? r.slice(1) : r))].join(
      '\n',
    );
  }
  return changed ? lines.join('\n') : text;
}
