/**
 * Terminal-row arithmetic for the live region. Ink erases and redraws the live region by line
 * count; if it grows taller than the terminal, the part that scrolled off can no longer be erased
 * and stale copies pile up in scrollback. So everything live is bounded in *visual* rows (a long
 * line wraps into several), not in source lines.
 */

// CSI / OSC / two-byte escapes (styling added by the markdown renderer).
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]/g;

/** Printable length of `line` (escape sequences removed; wide characters count as one). */
export function visibleLength(line: string): number {
  return line.replace(ANSI, '').length;
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
      const plain = line.replace(ANSI, '');
      out.unshift(plain.slice(-Math.max(1, maxRows * columns - 1)));
    }
    return { text: out.join('\n'), truncated: true };
  }
  return { text: out.join('\n'), truncated: false };
}

/** The first lines of `text` that fit in `maxRows` rows at `columns`, and how many lines were cut. */
export function headByRows(
  text: string,
  columns: number,
  maxRows: number,
): { text: string; hiddenLines: number } {
  const lines = text.split('\n');
  const out: string[] = [];
  let rows = 0;
  for (const line of lines) {
    const r = visualRows(line, columns);
    if (rows + r > maxRows) {
      if (out.length === 0) out.push(line.replace(ANSI, '').slice(0, Math.max(1, maxRows * columns - 1)));
      break;
    }
    out.push(line);
    rows += r;
  }
  return { text: out.join('\n'), hiddenLines: lines.length - out.length };
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
