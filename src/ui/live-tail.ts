/**
 * The live tail of a streamed answer: the last rows of the markdown block still arriving (complete
 * blocks are committed to scrollback). It is drawn by the transcript printer, not by React/Ink:
 * written right below the scrollback through Ink's stdout writer (which takes the live region
 * away, writes, and draws it again below), and erased by its row count before the next frame
 * writes the new tail. A stream frame then costs the tail's markdown and one write; before, each
 * one also cost a React render and commit, a Yoga layout and Ink's output grid of the whole live
 * region, about three quarters of a frame's CPU. Pure functions; the printer is
 * components/transcript.tsx.
 */
import { renderMarkdown } from './markdown/render.js';
import { sourceTail } from './markdown/split.js';
import { wrapMarkdownToWidth } from './markdown/wrap.js';
import { tailByRows } from './rows.js';

/** Max rows of the live tail shown (the whole block is printed once it completes). */
export const LIVE_TAIL_LINES = 10;

/**
 * Rows kept for Ink's live region below the tail while a turn runs: reasoning line, working
 * line, composer (its box; the composer shrinks its text to what is left, see composer.tsx),
 * hints and the status bar. The tail and the live region must fit on the screen together: rows
 * that scroll off can no longer be erased.
 */
export const LIVE_REGION_RESERVE = 12;

/**
 * Source lines of the live block that are rendered for its tail: a margin over the rows shown
 * (a source line is at least one row), so a long code block is not highlighted whole every frame.
 */
const LIVE_SOURCE_LINES = 2 * LIVE_TAIL_LINES + 4;

/**
 * Rows the tail may take on a terminal `rows` high, the "…" row included: what is left after
 * the live region's reserve and the cursor's row, at most {@link LIVE_TAIL_LINES}; 0 (no tail:
 * blocks appear as they complete) on a terminal too short for both.
 */
export function liveTailRows(rows: number): number {
  return Math.max(0, Math.min(LIVE_TAIL_LINES, rows - 1 - LIVE_REGION_RESERVE));
}

/**
 * The tail of the live markdown `source` as terminal text: rendered, wrapped to `columns`, its
 * last rows — at most `maxRows`, a "…" row first when the top was cut. '' when blank or when
 * `maxRows` is 0. Every row fits in `columns`, so the text takes exactly as many terminal rows
 * as it has lines.
 */
export function renderLiveTail(source: string, columns: number, maxRows: number): string {
  if (maxRows <= 0 || !source.trim()) return '';
  // A margin of rows is cut before wrapping (a single huge paragraph is not wrapped whole every
  // frame); the cut lands on rows dropped below, so the first row shown starts at a word.
  const rendered = tailByRows(
    renderMarkdown(sourceTail(source, LIVE_SOURCE_LINES), columns),
    columns,
    3 * maxRows + 2,
  );
  const lines = wrapMarkdownToWidth(rendered.text, columns).split('\n');
  if (lines.length <= maxRows && !rendered.truncated) return lines.join('\n');
  if (maxRows === 1) return lines[lines.length - 1] ?? '';
  return ['…', ...lines.slice(-(maxRows - 1))].join('\n');
}

/** Rows of a tail returned by {@link renderLiveTail}. */
export function tailRowCount(tail: string): number {
  if (tail === '') return 0;
  let n = 1;
  for (let i = tail.indexOf('\n'); i !== -1; i = tail.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Erases the `rows` rows above the cursor and everything below it, leaving the cursor at the
 * start of the first erased row: where the previous tail began (Ink's writer has just taken its
 * live region away, so the cursor is on the row after the tail). Cursor up stops at the top of
 * the screen, so the tail must never have scrolled off (see {@link liveTailRows}).
 */
export function eraseTail(rows: number): string {
  return rows > 0 ? `\r\x1b[${rows}A\x1b[J` : '';
}

/** {@link eraseTail} at the start of a write (the tests' terminal model reads it back). */
export const TAIL_ERASE = /^\r\x1b\[(\d+)A\x1b\[J/;

/** Parses {@link eraseTail} at the start of `text`: the rows erased, or 0. */
export function erasedRows(text: string): number {
  const m = TAIL_ERASE.exec(text);
  return m ? Number(m[1]) : 0;
}
