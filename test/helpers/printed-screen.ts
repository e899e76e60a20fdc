/**
 * What the transcript printer's writes leave on a terminal, for tests that capture `print`:
 * the text is appended, and a write that starts by erasing the live tail (live-tail.ts
 * `eraseTail`) first removes that many rows from the end. Joined, `chunks` is the scrollback
 * plus the live tail as a terminal shows them (the tmux tests check the same on a real one).
 */
import { erasedRows, TAIL_ERASE } from '../../src/ui/live-tail.js';

/** A capture of printed text with the tail's erasures applied. */
export function printedScreen(): { chunks: string[]; print: (text: string) => void; writes: string[] } {
  const chunks: string[] = [];
  const writes: string[] = [];
  const print = (text: string) => {
    writes.push(text);
    const rows = erasedRows(text);
    if (rows === 0) {
      chunks.push(text);
      return;
    }
    let shown = chunks.join('');
    // The tail ends with a newline: drop its last `rows` lines.
    let cut = shown.length;
    for (let i = 0; i < rows; i++) {
      if (cut === 0) throw new Error(`erased ${rows} rows, but only ${i} were printed`);
      cut = shown.lastIndexOf('\n', cut - 2) + 1;
    }
    if (!shown.endsWith('\n')) throw new Error('a tail erase after a write that did not end its row');
    shown = shown.slice(0, cut);
    chunks.length = 0;
    chunks.push(shown, text.replace(TAIL_ERASE, ''));
  };
  return { chunks, print, writes };
}
