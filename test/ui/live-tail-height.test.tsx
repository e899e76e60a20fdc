/**
 * The live tail and Ink's live region below it must fit on the screen together (with the
 * cursor's row), or the tail's top rows scroll into the scrollback where eraseTail cannot reach
 * them (each frame then leaves tail fragments behind: duplicated and half-written answer rows).
 * A red-team review reproduced it in tmux (80x24 with a 12-line draft; 60x10 and 60x8 with none)
 * when the tail was budgeted by the terminal height alone: now the region keeps a reserve and the
 * composer shrinks its draft to what is left while a turn runs.
 */
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import { erasedRows, liveTailRows, renderLiveTail, tailRowCount } from '../../src/ui/live-tail.js';
import { delta, started, turn, user } from './events.js';
import { KEY, renderApp } from './harness.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const long = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ${'word '.repeat(30)}end${i}.`).join(' ');

/** Rows the tail on screen takes (the last write's tail: what follows its committed entries). */
function tailRowsOnScreen(app: Awaited<ReturnType<typeof renderApp>>): number {
  // The next write erases exactly the tail now on screen.
  return erasedRows(app.writes[app.writes.length - 1] as string);
}

async function check(rows: number, columns: number, draftLines: number) {
  const app = await renderApp();
  cleanup = app.unmount;
  app.store.view({ rows, columns });
  await app.emit(started(), user('q'), turn(), delta('Start.'));
  for (let i = 0; i < draftLines; i++) await app.type(...`note line ${i}`.split(''), KEY.ctrlJ);
  await app.emit(delta(` ${long}`));
  await app.emit(delta(' more'));
  const tail = tailRowsOnScreen(app);
  const frame = stripAnsi(app.lastFrame() ?? '')
    .replace(/\n$/, '')
    .split('\n').length;
  // A tail whenever the terminal has room for one (none on a very short one).
  expect(tail > 0).toBe(liveTailRows(rows) > 0);
  // Tail + Ink's live region must fit in the terminal, or the tail scrolls off before it is erased.
  expect(
    tail + frame,
    `tail ${tail} rows + live region ${frame} rows on a ${rows}-row terminal`,
  ).toBeLessThanOrEqual(rows - 1);
}

describe('live tail + live region fit the screen', () => {
  it('80x24 with a 12-line draft typed in the composer while the answer streams', async () => {
    await check(24, 80, 12);
  });
  it('60x10 terminal, empty composer', async () => {
    await check(10, 60, 0);
  });
  it('60x16 terminal, 4-line draft', async () => {
    await check(16, 60, 4);
  });
});

describe('renderLiveTail row budget', () => {
  it('a long paragraph takes at most the budget plus the "…" row, and its first row does not start mid-word', () => {
    // tailByRows cuts one long logical line to maxRows*columns-1 characters, then
    // wrapMarkdownToWidth word-wraps it into more rows than that: 80x10 gives 12 rows, 60x4 gives 6.
    for (const [columns, maxRows] of [
      [80, 10],
      [60, 4],
    ] as const) {
      const tail = renderLiveTail(`Start. ${long} more`, columns, maxRows);
      expect(tailRowCount(tail), `${columns}x${maxRows}`).toBeLessThanOrEqual(maxRows);
      const first = stripAnsi(tail.split('\n')[1] ?? '');
      // (A continuation row starts with the space it broke at, as in the committed text.)
      expect(first, 'first row after "…"').toMatch(/^ ?(Paragraph|word|end\d+\.|more|Start)/);
    }
  });
});
