/**
 * Terminal-row arithmetic for the live region. Ink erases and redraws the live region by line
 * count; if it grows taller than the terminal, the part that scrolled off can no longer be erased
 * and stale copies pile up in scrollback. So everything live is bounded in *visual* rows (a long
 * line wraps into several), not in source lines.
 */

import stringWidth from 'string-width';

// CSI / OSC / two-byte escapes (styling added by the markdown renderer).
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]/g;

// Printable ASCII only: one column per character (the common case, measured without string-width).
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/** Columns `line` takes on a terminal (escape sequences removed; wide characters count as two). */
export function visibleLength(line: string): number {
  const plain = line.replace(ANSI, '');
  return PLAIN_ASCII.test(plain) ? plain.length : stringWidth(plain);
}

/** The longest start of `plain` (no escape sequences) that fits in `columns` columns. */
function headToWidth(plain: string, columns: number): string {
  if (PLAIN_ASCII.test(plain)) return plain.slice(0, columns);
  let width = 0;
  let out = '';
  for (const ch of plain) {
    const w = stringWidth(ch);
    if (width + w > columns) break;
    out += ch;
    width += w;
  }
  return out;
}

/** The longest end of `plain` (no escape sequences) that fits in `columns` columns. */
function tailToWidth(plain: string, columns: number): string {
  if (PLAIN_ASCII.test(plain)) return plain.slice(-columns);
  const chars = [...plain];
  let width = 0;
  let i = chars.length;
  while (i > 0) {
    const w = stringWidth(chars[i - 1] ?? '');
    if (width + w > columns) break;
    width += w;
    i--;
  }
  return chars.slice(i).join('');
}

/** Rows `line` occupies at `columns` (at least 1). */
export function visualRows(line: string, columns: number): number {
  return Math.max(1, Math.ceil(visibleLength(line) / Math.max(1, columns)));
}

/**
 * The last lines of `text` that fit in `maxRows` rows at `columns`. A single line taller than the
 * budget keeps only its tail (styling dropped). `truncated` says whether anything was cut.
 */
export function tailByRows(
  text: string,
  columns: number,
  maxRows: number,
): { text: string; truncated: boolean } {
  const lines = text.split('\n');
  const out: string[] = [];
  let rows = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    const r = visualRows(line, columns);
    if (rows + r <= maxRows) {
      out.unshift(line);
      rows += r;
      continue;
    }
    if (out.length === 0) {
      out.unshift(tailToWidth(line.replace(ANSI, ''), Math.max(1, maxRows * columns - 1)));
    }
    return { text: out.join('\n'), truncated: true };
  }
  return { text: out.join('\n'), truncated: false };
}

/** What {@link headByRows} kept of a text. */
export interface Head {
  text: string;
  /** Whole lines not shown. */
  hiddenLines: number;
  /** Characters not shown of the one line that was cut (a first line taller than the budget). */
  cutChars: number;
}

/**
 * The first lines of `text` that fit in `maxRows` rows at `columns`. A first line taller than the
 * budget keeps only its start (styling dropped); what was not shown is counted, so a caller can
 * always say that something is missing.
 */
export function headByRows(text: string, columns: number, maxRows: number): Head {
  const lines = text.split('\n');
  const out: string[] = [];
  let rows = 0;
  let cutChars = 0;
  for (const line of lines) {
    const r = visualRows(line, columns);
    if (rows + r > maxRows) {
      if (out.length === 0) {
        const plain = line.replace(ANSI, '');
        const kept = headToWidth(plain, Math.max(1, maxRows * columns - 1));
        out.push(kept);
        cutChars = [...plain].length - [...kept].length;
      }
      break;
    }
    out.push(line);
    rows += r;
  }
  return { text: out.join('\n'), hiddenLines: lines.length - out.length, cutChars };
}

/** One line saying what of a head-cut text is not shown, or null when nothing is. */
export function hiddenNote(head: Head): string | null {
  const parts: string[] = [];
  if (head.cutChars > 0) parts.push(`the rest of this line (${head.cutChars} more characters)`);
  if (head.hiddenLines > 0) parts.push(`${head.hiddenLines} more line${head.hiddenLines === 1 ? '' : 's'}`);
  return parts.length > 0 ? `… ${parts.join(' and ')} not shown` : null;
}

/** A window of at most `budget` characters of `line` around `cursor`, split at the cursor. */
export interface CursorWindow {
  before: string;
  /** The character under the cursor (' ' at the end). */
  at: string;
  after: string;
  cutStart: boolean;
  cutEnd: boolean;
}

/** Cuts `line` to a window around `cursor` (70% of the window before it when cutting). */
export function cursorWindow(line: string, cursor: number, budget: number): CursorWindow {
  const start =
    line.length + 1 > budget
      ? Math.max(0, Math.min(cursor - Math.floor(budget * 0.7), line.length + 1 - budget))
      : 0;
  const view = line.slice(start, start + budget);
  const col = cursor - start;
  return {
    before: view.slice(0, col),
    at: view[col] ?? ' ',
    after: view.slice(col + 1),
    cutStart: start > 0,
    cutEnd: start + budget < line.length,
  };
}

/**
 * Diff lines the approval prompt shows at `rows` terminal rows: cut (a preview) or expanded (as
 * many as fit beside the prompt's own rows, scrolled with ↑/↓/PgUp/PgDn).
 */
export function diffRows(rows: number, expanded: boolean): number {
  return expanded ? Math.max(6, rows - 12) : Math.max(6, Math.min(40, rows - 16));
}
