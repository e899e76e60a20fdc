/**
 * The committed transcript, printed once into the terminal's scrollback. Not Ink's `<Static>`:
 * that draws every committed row through Ink's cell grid (a 100-column grid per row: most of
 * the CPU of a long streamed answer). Markdown is already rendered and pre-wrapped to the
 * terminal width, so it is written as it is; other entries (boxes, tool cards, diffs) are small
 * and rendered with Ink's `renderToString`. The text goes through Ink's stdout writer, which
 * clears the live region, writes it, and draws the live region again below it.
 */
import { renderToString, useStdout } from 'ink';
import { useLayoutEffect } from 'react';
import { useStore } from '../hooks/use-ui.js';
import { renderMarkdown } from '../markdown/render.js';
import { wrapMarkdownToWidth } from '../markdown/wrap.js';
import { transcriptTail } from '../repaint.js';
import type { Entry } from '../state/entries.js';
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

/** Props of {@link Transcript}. */
export interface TranscriptProps {
  /** Where committed text goes (default: Ink's stdout writer). Tests capture it. */
  print?: (text: string) => void;
}

/**
 * Prints entries as they are committed (and the last ones that fit again when the view's epoch
 * changes: the visible screen was erased after a resize, see repaint.ts). Renders nothing itself.
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
    const flush = () => {
      queued = false;
      if (!live) return;
      const s = store.getSnapshot();
      const entries = s.transcript.entries;
      if (s.view.epoch !== epoch) {
        // The visible screen was erased after a resize: the last entries that fit above the live
        // region are printed again at the new width (always written, so Ink redraws the live
        // region too).
        epoch = s.view.epoch;
        printed = entries.length;
        out(transcriptTail(entries, s.view.repaintRows, (e) => printEntries([e], s.view.columns)));
        return;
      }
      // The last entry may be replaced in place (the demo banner); like <Static>, what is
      // printed stays printed.
      if (entries.length <= printed) return;
      const text = printEntries(entries.slice(printed), s.view.columns);
      printed = entries.length;
      out(text);
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
