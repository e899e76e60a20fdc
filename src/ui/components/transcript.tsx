/**
 * The committed transcript, printed once into the terminal's scrollback, and below it the live
 * tail of the answer being streamed (live-tail.ts: erased and written again on each frame, outside
 * React and Ink's layout). Not Ink's `<Static>`:
 * that draws every committed row through Ink's cell grid (a 100-column grid per row: most of
 * the CPU of a long streamed answer). Markdown is already rendered and pre-wrapped to the
 * terminal width, so it is written as it is; other entries (boxes, tool cards, diffs) are small
 * and rendered with Ink's `renderToString`. The text goes through Ink's stdout writer, which
 * clears the live region, writes it, and draws the live region again below it.
 */
import { renderToString, useStdout } from 'ink';
import { useLayoutEffect } from 'react';
import { useStore } from '../hooks/use-ui.js';
import { eraseTail, liveTailRows, renderLiveTail, tailRowCount } from '../live-tail.js';
import { renderMarkdown } from '../markdown/render.js';
import { wrapMarkdownToWidth } from '../markdown/wrap.js';
import { transcriptTail } from '../repaint.js';
import type { Entry } from '../state/entries.js';
import { pendingText } from '../state/stream.js';
import type { UiState } from '../store.js';
import { EntryView } from './entry-view.js';

/**
 * The terminal text of `entries` at `columns`: what `<Static>` printed for them (each entry
 * followed by its blank margin row), every line ending in a newline. Consecutive markdown blocks
 * are joined cheaply without Ink.
 */
export function printEntries(entries: readonly Entry[], columns: number): string {
  let out = '';
  for (const e of entries) {
    if (e.kind === 'markdown') {
      const text = wrapMarkdownToWidth(renderMarkdown(e.text, columns), columns);
      out += text === '' ? '\n' : `${text}\n\n`;
    } else {
      out += `${renderToString(<EntryView entry={e} columns={columns} />, { columns })}\n`;
    }
  }
  return out;
}

/**
 * CPU spent printing newly committed entries (rendering their markdown once), so the render
 * benchmark can tell it from the cost of a live frame. Counted only while `enabled`.
 */
export const printerStats = { enabled: false, committedCpuMs: 0 };

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** Props of {@link Transcript}. */
export interface TranscriptProps {
  /** Where committed text goes (default: Ink's stdout writer). Tests capture it. */
  print?: (text: string) => void;
}

/** The live tail of `s` (see live-tail.ts), memoized on what it depends on. */
function tailRenderer(): (s: UiState) => string {
  let source = '';
  let columns = 0;
  let maxRows = 0;
  let text = '';
  return (s) => {
    const src = s.transcript.stream ? pendingText(s.transcript.stream) : '';
    const rows = liveTailRows(s.view.rows);
    if (src !== source || s.view.columns !== columns || rows !== maxRows) {
      source = src;
      columns = s.view.columns;
      maxRows = rows;
      text = renderLiveTail(src, columns, maxRows);
    }
    return text;
  };
}

/**
 * Prints entries as they are committed (and the last ones that fit again when the view's epoch
 * changes: the visible screen was erased after a resize, see repaint.ts), and keeps the live tail
 * below them: each write erases the tail on screen, adds what was committed, then the new tail.
 * Renders nothing itself.
 */
export function Transcript({ print }: TranscriptProps) {
  const store = useStore();
  const { write } = useStdout();
  const out = print ?? write;
  useLayoutEffect(() => {
    let printed = 0;
    let epoch = store.getSnapshot().view.epoch;
    let queued = false;
    let live = true;
    const liveTail = tailRenderer();
    /** The tail on screen, and the width it was drawn at. */
    let tail = '';
    let columns = store.getSnapshot().view.columns;
    const flush = () => {
      queued = false;
      if (!live) return;
      const s = store.getSnapshot();
      const entries = s.transcript.entries;
      const next = liveTail(s);
      const below = next === '' ? '' : `${next}\n`;
      if (s.view.epoch !== epoch) {
        // The visible screen was erased after a resize (the tail with it): the last printed
        // entries that fit where they were (above the tail and the live region) are printed
        // again at the new width, then the entries committed while the printer waited, whole
        // (they push the reprinted ones up into the scrollback, each once), then the tail.
        // Always written, so Ink redraws the live region too.
        epoch = s.view.epoch;
        const fresh = printEntries(entries.slice(printed), s.view.columns);
        const room = Math.max(0, s.view.repaintRows - tailRowCount(next));
        const again = transcriptTail(entries.slice(0, printed), room, (e) =>
          printEntries([e], s.view.columns),
        );
        out(again + fresh + below);
        printed = entries.length;
        tail = next;
        columns = s.view.columns;
        return;
      }
      // Narrower with a tail on screen: the terminal has re-wrapped it, so its row count no longer
      // holds and an erase could take committed rows with it. Nothing is written until the
      // repaint that follows every narrowing (run-screen.tsx) has erased the visible screen.
      if (tail !== '' && s.view.columns < columns) return;
      columns = s.view.columns;
      // The last entry may be replaced in place (the demo banner); like <Static>, what is
      // printed stays printed.
      const c0 = printerStats.enabled ? cpuMs() : 0;
      const fresh = entries.length > printed ? printEntries(entries.slice(printed), s.view.columns) : '';
      if (printerStats.enabled) printerStats.committedCpuMs += cpuMs() - c0;
      printed = Math.max(printed, entries.length);
      if (fresh === '' && next === tail) return;
      out(eraseTail(tailRowCount(tail)) + fresh + below);
      tail = next;
    };
    // Printed in a microtask: renderToString must not run inside React's commit of the screen
    // (a nested render there corrupts yoga's state), and a burst of commits prints once. It
    // still runs before React redraws the live region for the same store update.
    const schedule = () => {
      if (queued) return;
      queued = true;
      queueMicrotask(flush);
    };
    schedule();
    const unsubscribe = store.subscribe(schedule);
    return () => {
      live = false;
      unsubscribe();
    };
  }, [store, out]);
  return null;
}
