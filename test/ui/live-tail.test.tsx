/**
 * The streamed answer's live tail is drawn by the transcript printer (live-tail.ts), not by
 * React/Ink: a text delta redraws it without an Ink frame, each write erases exactly the rows the
 * previous tail took, the tail stays within its row budget at the terminal's width, and a resize
 * repaint leaves room for it.
 */
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import { printEntries } from '../../src/ui/components/transcript.js';
import {
  erasedRows,
  eraseTail,
  LIVE_REGION_RESERVE,
  LIVE_TAIL_LINES,
  liveTailRows,
  renderLiveTail,
  tailRowCount,
} from '../../src/ui/live-tail.js';
import { visibleLength } from '../../src/ui/rows.js';
import { pendingText } from '../../src/ui/state/stream.js';
import { delta, done, finished, runDone, started, turn, user } from './events.js';
import { renderApp } from './harness.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const para = (n: number) => `Paragraph ${n} ${'word '.repeat(30)}end${n}.`;
const code = (n: number) =>
  `\`\`\`ts\n${Array.from({ length: n }, (_, i) => `const v${i} = ${i};`).join('\n')}\n`;

describe('renderLiveTail', () => {
  it('fits every row in the width, keeps at most the budget (plus the "…" row), and is empty for blank text', () => {
    expect(renderLiveTail('  \n ', 80, 10)).toBe('');
    for (const columns of [20, 41, 80]) {
      const tail = renderLiveTail(`${para(1)}\n${para(2)}\n${code(40)}`, columns, 6);
      const lines = tail.split('\n');
      for (const l of lines)
        expect(visibleLength(l), JSON.stringify(stripAnsi(l))).toBeLessThanOrEqual(columns);
      expect(lines[0]).toBe('…');
      expect(tailRowCount(tail)).toBe(lines.length);
      // The budget holds the "…" row too.
      expect(lines.length).toBe(6);
      expect(stripAnsi(tail)).toContain('const v39 = 39;');
    }
    expect(renderLiveTail('short line', 80, 10)).not.toContain('…');
  });

  it('budgets rows by the terminal height', () => {
    expect(liveTailRows(40)).toBe(LIVE_TAIL_LINES);
    expect(liveTailRows(24)).toBe(LIVE_TAIL_LINES);
    expect(liveTailRows(20)).toBe(20 - 1 - LIVE_REGION_RESERVE);
    // Too short for a tail and the live region: no tail (blocks appear as they complete).
    expect(liveTailRows(12)).toBe(0);
    expect(renderLiveTail('some text', 80, 0)).toBe('');
  });

  it('erases with a sequence the tests can read back, and nothing for no rows', () => {
    expect(eraseTail(0)).toBe('');
    expect(erasedRows(eraseTail(7))).toBe(7);
    expect(erasedRows('plain text')).toBe(0);
  });
});

describe('the live tail on screen', () => {
  it('is redrawn on every delta without an Ink frame, erasing exactly the previous tail', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('q'), turn(), delta('Start of the answer'));
    const inkFrames = app.frames.length;
    const writes = app.writes.length;
    const pieces = [
      ` ${'more '.repeat(40)}`,
      '\n\n',
      para(1),
      '\n\n',
      code(3),
      'const x = 1;\n',
      '```\n\n',
      para(2),
    ];
    const tailNow = () => {
      const s = app.store.getSnapshot();
      const stream = s.transcript.stream;
      if (!stream) throw new Error('no stream');
      return renderLiveTail(pendingText(stream), s.view.columns, liveTailRows(s.view.rows));
    };
    let prevRows = tailRowCount(tailNow());
    let shown = 0;
    expect(prevRows).toBeGreaterThan(0);
    for (const p of pieces) {
      await app.emit(delta(p));
      const s = app.store.getSnapshot();
      const tail = tailNow();
      // Each write erases exactly the rows of the tail the write before it drew...
      expect(erasedRows(app.writes[app.writes.length - 1] as string)).toBe(prevRows);
      // ...so the terminal shows every committed entry, then the tail, above the live region.
      expect(app.printed.join('')).toBe(
        printEntries(s.transcript.entries, s.view.columns) + (tail ? `${tail}\n` : ''),
      );
      prevRows = tailRowCount(tail);
      shown += prevRows > 0 ? 1 : 0;
    }
    expect(shown).toBeGreaterThan(4);
    // One write per delta, and none of them made Ink draw its live region again.
    expect(app.writes.length).toBe(writes + pieces.length);
    expect(app.frames.length).toBe(inkFrames);
    await app.emit(done(`Start of the answer${pieces.join('')}`), finished(), runDone());
    // Finished: no tail left, the answer is committed.
    const s = app.store.getSnapshot();
    expect(app.printed.join('')).toBe(printEntries(s.transcript.entries, s.view.columns));
    expect(stripAnsi(app.printed.join(''))).toContain('end2.');
    expect(stripAnsi(app.lastFrame() ?? '')).not.toContain('end2.');
  });

  it('in a short terminal stays within its row budget', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    app.store.view({ rows: 18, columns: 40 });
    expect(liveTailRows(18)).toBeGreaterThan(1);
    await app.emit(started(), user('q'), turn(), delta(`${para(1)} ${para(2)} ${para(3)}`));
    const s = app.store.getSnapshot();
    const tail = renderLiveTail(pendingText(s.transcript.stream!), 40, liveTailRows(18));
    expect(app.printed.join('').endsWith(`${tail}\n`)).toBe(true);
    expect(tailRowCount(tail)).toBeGreaterThan(1);
    expect(tailRowCount(tail)).toBe(liveTailRows(18));
    for (const l of tail.split('\n')) expect(visibleLength(l)).toBeLessThanOrEqual(40);
  });

  it('after a resize repaint, reprints what fits above the tail and draws the tail without erasing', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('q'), turn());
    for (let i = 0; i < 6; i++) await app.emit(delta(`${para(i)}\n\n`));
    await app.emit(delta(para(99)));
    const v = app.store.getSnapshot().view;
    // What run-screen.tsx does once a narrowing settles: the visible rows were erased.
    app.store.view({ columns: 50, epoch: v.epoch + 1, repaintRows: 12 });
    await app.emit();
    const w = app.writes[app.writes.length - 1] as string;
    expect(erasedRows(w)).toBe(0);
    const rows = w.replace(/\n$/, '').split('\n');
    expect(rows.length).toBeLessThanOrEqual(12);
    expect(stripAnsi(rows[rows.length - 1] ?? '')).toContain('end99.');
    for (const l of rows) expect(visibleLength(l)).toBeLessThanOrEqual(50);
    // The next frame erases that tail, not the reprinted entries.
    const tailRows = tailRowCount(
      renderLiveTail(pendingText(app.store.getSnapshot().transcript.stream!), 50, liveTailRows(v.rows)),
    );
    await app.emit(delta(' more'));
    expect(erasedRows(app.writes[app.writes.length - 1] as string)).toBe(tailRows);
  });

  it('after a narrowing with a tail on screen, writes nothing until the repaint, then everything committed meanwhile', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('q'), turn(), delta(para(0)));
    const writes = app.writes.length;
    // The terminal narrowed (run-screen.tsx updates the view at once, repaints once it settles).
    app.store.view({ columns: 60 });
    await app.emit(delta(`\n\n${para(1)}\n\n${para(2)}\n\n${para(3)}`));
    expect(app.writes.length).toBe(writes);
    const v = app.store.getSnapshot().view;
    app.store.view({ epoch: v.epoch + 1, repaintRows: 8 });
    await app.emit();
    const w = stripAnsi(app.writes[app.writes.length - 1] as string);
    expect(erasedRows(w)).toBe(0);
    // Blocks committed while it waited are printed whole, even beyond the rows of the repaint.
    for (const n of [0, 1, 2]) expect(w).toContain(`end${n}.`);
    expect(w.trimEnd().endsWith('end3.')).toBe(true);
    for (const l of w.split('\n')) expect(visibleLength(l)).toBeLessThanOrEqual(60);
  });
});
