/**
 * Redrawing after a resize without wiping the user's scrollback.
 *
 * A terminal that reflows on resize (tmux, iTerm2, kitty, VTE, Windows Terminal…) re-wraps the
 * live region Ink drew, so after a *narrowing* Ink's erase-by-line-count misses rows and
 * half-drawn boxes stay behind (Ink itself only clears its own line count when the width
 * shrinks). The earlier fix cleared the screen *and the scrollback* (`ESC[3J`, as Claude Code and
 * gemini-cli do) and printed the whole transcript again, which destroyed everything the user had
 * in the terminal before tether, and rewrote tether's history on every resize.
 *
 * Now only the visible screen is repainted, and only when the width shrank: every visible row is
 * erased one by one (never `ESC[2J`/`ESC[3J`: tmux and some terminals push a cleared screen into
 * the scrollback, and `3J` drops it), then the transcript's last entries that fit above the live
 * region are printed again at the new width, and Ink draws the live region below them. What had
 * already scrolled off stays in the scrollback as the terminal reflowed it (Codex without its
 * reflow feature leaves history the same way). A widening needs nothing: Ink's lines still fit
 * one row each, so its own redraw is exact, and the transcript stays as printed.
 *
 * The price: rows the reflow pushed from the screen into the scrollback may be printed again
 * below them (at the seam). The setting `resizeRepaint: all` keeps the old way (scrollback
 * cleared, everything reprinted once) for those who prefer it.
 */
import type { Entry } from './state/entries.js';

/** Erases every visible row one by one (nothing is pushed into the scrollback), cursor home. */
export function eraseVisibleRows(rows: number): string {
  const n = Math.max(1, rows);
  return `\x1b[H${'\x1b[2K\x1b[1B'.repeat(n - 1)}\x1b[2K\x1b[H`;
}

/**
 * The text of the last entries that fit in `maxRows` rows (each entry printed by `print`, a
 * string of whole lines). Entries are kept whole so no box is cut in half; only a markdown block
 * (no border) may be cut at its top when even it alone does not fit.
 */
export function transcriptTail(
  entries: readonly Entry[],
  maxRows: number,
  print: (e: Entry) => string,
): string {
  const parts: string[] = [];
  let used = 0;
  for (let i = entries.length - 1; i >= 0 && used < maxRows; i--) {
    const e = entries[i] as Entry;
    const text = print(e);
    const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    if (used + lines.length <= maxRows) {
      parts.unshift(text);
      used += lines.length;
      continue;
    }
    if (e.kind === 'markdown' && parts.length === 0)
      parts.unshift(`${lines.slice(lines.length - (maxRows - used)).join('\n')}\n`);
    break;
  }
  return parts.join('');
}
