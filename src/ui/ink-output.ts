/**
 * Ink's output grid with memoized rows: a drop-in for Ink's internal `Output` class
 * (`ink/build/output.js`), swapped in at bundle time by `scripts/ink-output-plugin.mjs`.
 *
 * For every frame Ink builds a cell object for each column of each row of the live region,
 * tokenizes the ANSI styling of every line written into it, and serializes the cells back to a
 * string — about a millisecond per frame for a 100-column, 15-row live region, most of a
 * streaming frame's cost, although between two frames of a streamed answer almost every row is
 * the same (the composer, the status bar, and the tail's lines, which only move up). Rows are
 * independent in Ink's algorithm: a row's text depends only on the ordered writes that land on it
 * (x and the transformed line) and on the width. So each row's writes form a key, and a row not
 * seen before is computed with Ink's algorithm and functions (ansi-tokenize, string-width), minus
 * its waste: a line's styled characters and a character's width are kept across frames (Ink
 * recomputes both for every frame, ~0.4 ms for one 100-column row), and the blank cells after the
 * last written one are left out (they only add spaces that Ink trims). The result is Ink's, byte
 * for byte (a property test compares it with Ink's `Output`). A frame with clipping (`overflow`
 * hidden) is handed to Ink's `Output` whole, and so is a row written at a negative or fractional
 * column.
 */
import {
  type AnsiCode,
  ansiCodesToString,
  diffAnsiCodes,
  reduceAnsiCodesIncremental,
  type StyledChar,
  styledCharsFromTokens,
  styledCharsToString,
  tokenize,
} from '@alcalzone/ansi-tokenize';
import InkOutput from 'ink-internal-output';
import stringWidth from 'string-width';

type Transformer = (line: string, index: number) => string;
interface Clip {
  x1: number | undefined;
  x2: number | undefined;
  y1: number | undefined;
  y2: number | undefined;
}
type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { type: 'clip'; clip: Clip }
  | { type: 'unclip' };

/** Rows kept; cleared when full (a streamed answer adds a few new rows per frame). */
const MAX_ROWS = 4096;
const rowCache = new Map<string, string>();
/**
 * Styled characters of a line and widths of characters, as Ink's per-frame caches hold them.
 * A line's styled characters are an object per character: few are kept (they help rows that are
 * partly new, like a box whose content changed inside the same borders).
 */
const MAX_LINES = 512;
const charsCache = new Map<string, StyledChar[]>();
const widthCache = new Map<string, number>();
const BLANK: StyledChar = { type: 'char', value: ' ', fullWidth: false, styles: [] };

function styledChars(line: string): StyledChar[] {
  let chars = charsCache.get(line);
  if (chars === undefined) {
    chars = styledCharsFromTokens(tokenize(line));
    if (charsCache.size >= MAX_LINES) charsCache.clear();
    charsCache.set(line, chars);
  }
  return chars;
}

function charWidth(value: string): number {
  let w = widthCache.get(value);
  if (w === undefined) {
    w = stringWidth(value);
    if (widthCache.size >= MAX_LINES) widthCache.clear();
    widthCache.set(value, w);
  }
  return w;
}

/** Printable ASCII and SGR sequences only: one cell per character, styles change only at escapes. */
const SIMPLE_LINE = /^(?:[\x20-\x7e]|\x1b\[[0-9;]*m)*$/;
/**
 * Also one cell per character when each non-ASCII one is a single column wide: characters of
 * blocks without combining marks, joiners or variation selectors (Latin-1 and Latin Extended,
 * punctuation, arrows, box drawing and shapes, braille: the spinner, borders, "·", "●", "…"),
 * where every character is a grapheme of its own.
 */
const NARROW_CANDIDATE =
  /^(?:[\x20-\x7e\u00a1-\u00ac\u00ae-\u024f\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25ff\u2800-\u28ff]|\x1b\[[0-9;]*m)*$/;
const SGR_OR_TEXT = /\x1b\[[0-9;]*m|[^\x1b]+/g;
const SGR = /\x1b\[[0-9;]*m/g;
const sgrTokens = new Map<string, AnsiCode[]>();

/** Whether every character of `line` takes one cell (see {@link NARROW_CANDIDATE}). */
function isSimpleLine(line: string): boolean {
  if (SIMPLE_LINE.test(line)) return true;
  if (!NARROW_CANDIDATE.test(line)) return false;
  for (let i = 0; i < line.length; i++)
    if (line.charCodeAt(i) > 0x7e && charWidth(line[i] as string) !== 1) return false;
  return true;
}

/**
 * {@link drawRow} for writes of {@link isSimpleLine} lines that do not overlap, in order of x,
 * without a cell per character: between two escapes every character has the same styles, so
 * `styledCharsToString` emits codes only at a run's first character (the diff from the previous
 * run's styles, computed with the same functions), blank cells have no styles, and the last run's
 * styles are closed at the end. Cells past the width exist only where written.
 */
function drawSimpleRow(width: number, writes: Array<number | string>): string {
  let out = '';
  let col = 0;
  let last: AnsiCode[] = [];
  let any = false;
  for (let w = 0; w < writes.length; w += 2) {
    const x = writes[w] as number;
    const line = writes[w + 1] as string;
    const blanks = Math.min(x, width) - col;
    if (blanks > 0) {
      if (last.length > 0) out += ansiCodesToString(diffAnsiCodes(last, []));
      last = [];
      out += ' '.repeat(blanks);
    }
    col = x;
    let codes: AnsiCode[] = [];
    SGR_OR_TEXT.lastIndex = 0;
    for (let m = SGR_OR_TEXT.exec(line); m !== null; m = SGR_OR_TEXT.exec(line)) {
      const piece = m[0];
      if (piece.charCodeAt(0) === 0x1b) {
        let tokens = sgrTokens.get(piece);
        if (tokens === undefined) {
          tokens = tokenize(piece).filter((t): t is AnsiCode => t.type === 'ansi');
          if (sgrTokens.size >= MAX_LINES) sgrTokens.clear();
          sgrTokens.set(piece, tokens);
        }
        codes = reduceAnsiCodesIncremental(codes, tokens);
        continue;
      }
      out += ansiCodesToString(diffAnsiCodes(last, codes)) + piece;
      last = codes;
      col += piece.length;
      any = true;
    }
  }
  if (any) out += ansiCodesToString(diffAnsiCodes(last, []));
  return out.trimEnd();
}

/** Whether {@link drawSimpleRow} draws these writes as Ink would. */
function simpleWrites(writes: Array<number | string>): boolean {
  let end = 0;
  for (let w = 0; w < writes.length; w += 2) {
    const x = writes[w] as number;
    const line = writes[w + 1] as string;
    if (x < end || !isSimpleLine(line)) return false;
    end = x + line.replace(SGR, '').length;
  }
  return true;
}

/**
 * One row as Ink's `Output.get` draws it: cells pre-filled with blanks up to `width`, each write's
 * styled characters placed from its x (a wide character blanks the cells it covers), cells past
 * `width` only where written, then serialized and trimmed at the end.
 */
function drawRow(width: number, writes: Array<number | string>): string {
  if (simpleWrites(writes)) return drawSimpleRow(width, writes);
  const cells: StyledChar[] = [];
  let extent = 0;
  for (let i = 0; i < writes.length; i += 2) {
    let offsetX = writes[i] as number;
    for (const character of styledChars(writes[i + 1] as string)) {
      cells[offsetX] = character;
      const w = Math.max(1, charWidth(character.value));
      for (let k = 1; k < w; k++)
        cells[offsetX + k] = { type: 'char', value: '', fullWidth: false, styles: character.styles };
      offsetX += w;
    }
    if (offsetX > extent) extent = offsetX;
  }
  const row: StyledChar[] = [];
  // Blank cells after the last written one only add trailing spaces, which Ink trims.
  for (let x = 0; x < extent; x++) {
    const c = cells[x];
    if (c !== undefined) row.push(c);
    else if (x < width) row.push(BLANK);
  }
  return styledCharsToString(row).trimEnd();
}

/** Rows computed by Ink's grid since start (a miss of the row cache); for the tests and benchmark. */
export const rowStats = { computed: 0, reused: 0 };

/** Ink's `Output`, with every row memoized (see the module doc). */
export default class Output {
  readonly width: number;
  readonly height: number;
  private readonly operations: Operation[] = [];
  private clipped = false;

  constructor(options: { width: number; height: number }) {
    this.width = options.width;
    this.height = options.height;
  }

  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void {
    if (!text) return;
    this.operations.push({ type: 'write', x, y, text, transformers: options.transformers });
  }

  clip(clip: Clip): void {
    this.clipped = true;
    this.operations.push({ type: 'clip', clip });
  }

  unclip(): void {
    this.operations.push({ type: 'unclip' });
  }

  get(): { output: string; height: number } {
    if (this.clipped) {
      const ink = new InkOutput({ width: this.width, height: this.height });
      for (const op of this.operations) {
        if (op.type === 'write') ink.write(op.x, op.y, op.text, { transformers: op.transformers });
        else if (op.type === 'clip') ink.clip(op.clip);
        else ink.unclip();
      }
      return ink.get();
    }
    // The writes of each row, in order, as Ink applies them: x, then the transformed line.
    const rows: (Array<number | string> | undefined)[] = new Array(this.height);
    for (const op of this.operations) {
      if (op.type !== 'write') continue;
      const lines = op.text.split('\n');
      let offsetY = 0;
      for (let index = 0; index < lines.length; index++) {
        const y = op.y + offsetY;
        // Ink skips a line that falls outside its grid without moving on to the next row.
        if (!(y >= 0 && y < this.height && Number.isInteger(y))) continue;
        let line = lines[index] as string;
        for (const transformer of op.transformers) line = transformer(line, index);
        let row = rows[y];
        if (!row) {
          row = [];
          rows[y] = row;
        }
        row.push(op.x, line);
        offsetY++;
      }
    }
    const out: string[] = new Array(this.height);
    for (let y = 0; y < this.height; y++) out[y] = this.row(rows[y]);
    return { output: out.join('\n'), height: this.height };
  }

  /** One row's text: from the cache, or from Ink's grid. */
  private row(writes: Array<number | string> | undefined): string {
    if (!writes) return '';
    let key = `${this.width}`;
    for (let i = 0; i < writes.length; i += 2) {
      const line = writes[i + 1] as string;
      key += `\u0000${writes[i]}\u0000${line.length}\u0000${line}`;
    }
    const hit = rowCache.get(key);
    if (hit !== undefined) {
      rowStats.reused++;
      return hit;
    }
    let plain = true;
    for (let i = 0; i < writes.length; i += 2)
      if (!Number.isInteger(writes[i]) || (writes[i] as number) < 0) plain = false;
    let text: string;
    if (plain) text = drawRow(this.width, writes);
    else {
      const ink = new InkOutput({ width: this.width, height: 1 });
      for (let i = 0; i < writes.length; i += 2)
        ink.write(writes[i] as number, 0, writes[i + 1] as string, { transformers: [] });
      text = ink.get().output;
    }
    if (rowCache.size >= MAX_ROWS) rowCache.clear();
    rowCache.set(key, text);
    rowStats.computed++;
    return text;
  }
}
