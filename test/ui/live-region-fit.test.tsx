/**
 * A second red-team round: the live tail and Ink's live region below it must fit on the screen
 * together (live-tail-height.test.tsx), and the region alone must stay shorter than the terminal
 * (Ink clears the screen and the scrollback once it is not). The completion menu, queued prompts
 * and a draft used to be counted but not shrunk (reproduced in tmux:
 * test/e2e/tui-live-tail.test.ts); the composer now gives each what is left (composerLayout).
 */
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import { erasedRows } from '../../src/ui/live-tail.js';
import { delta, started, turn, user } from './events.js';
import { KEY, renderApp } from './harness.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const long = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ${'word '.repeat(30)}end${i}.`).join(' ');

async function check(
  rows: number,
  columns: number,
  during: (app: Awaited<ReturnType<typeof renderApp>>) => Promise<void>,
) {
  const app = await renderApp();
  cleanup = app.unmount;
  app.store.view({ rows, columns });
  await app.emit(started(), user('q'), turn(), delta('Start.'));
  await during(app);
  await app.emit(delta(` ${long}`));
  await app.emit(delta(' more'));
  const tail = erasedRows(app.writes[app.writes.length - 1] as string);
  const frame = stripAnsi(app.lastFrame() ?? '')
    .replace(/\n$/, '')
    .split('\n').length;
  expect(tail, 'a tail is shown').toBeGreaterThan(0);
  expect(
    tail + frame,
    `tail ${tail} rows + live region ${frame} rows on a ${rows}-row terminal`,
  ).toBeLessThanOrEqual(rows - 1);
}

describe('live tail + live region fit the screen', () => {
  it('80x24 with the slash completion menu open while the answer streams', async () => {
    await check(24, 80, (app) => app.type('/'));
  });
  it('80x24 with the @ file completion menu open while the answer streams', async () => {
    await check(24, 80, async (app) => {
      app.store.view({ files: Array.from({ length: 15 }, (_, i) => `src/file${i}.ts`) });
      await app.type(...'see @src'.split(''));
    });
  });
  it('80x24 with four prompts queued and the slash menu open', async () => {
    await check(24, 80, async (app) => {
      for (let i = 0; i < 4; i++) await app.type(...`queued ${i}`.split(''), KEY.enter);
      await app.type('/');
    });
  });
});

// Ink clears the terminal and its scrollback (ESC[2J ESC[3J ESC[H) on each render that follows
// one as tall as the terminal (ink.js: lastOutputHeight >= stdout.rows): the live region must
// stay shorter than the screen, idle or not.
describe('the live region is shorter than the terminal', () => {
  async function regionRows(rows: number, columns: number, running: boolean, keys: string[]) {
    const app = await renderApp();
    cleanup = app.unmount;
    app.store.view({ rows, columns });
    if (running) await app.emit(started(), user('q'), turn(), delta('Start.'));
    await app.type(...keys);
    return stripAnsi(app.lastFrame() ?? '')
      .replace(/\n$/, '')
      .split('\n').length;
  }
  it('80x14, idle, slash menu open', async () => {
    expect(await regionRows(14, 80, false, ['/'])).toBeLessThan(14);
  });
  it('80x15, answer streaming, slash menu open', async () => {
    expect(await regionRows(15, 80, true, ['/'])).toBeLessThan(15);
  });
  it('80x14, idle, 12-line draft', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => [...`line ${i}`.split(''), KEY.ctrlJ]).flat();
    expect(await regionRows(14, 80, false, keys)).toBeLessThan(14);
  });
});

// After a narrowing the printer holds what is committed until the repaint (run-screen.tsx), which
// erases every visible row. The repaint prints again only the last entries that fit in what
// `repaintRows` leaves after the held entries and the tail: a paragraph that was on screen just
// above the tail (so never in the scrollback) is erased and never printed again. Reproduced in
// tmux: one narrowing 100 -> 60 mid-stream lost a code block, a list row and a table
// (test/e2e/tui-live-tail.test.ts, resizeRepaint screen).
describe('a narrowing mid-stream loses no rows that were on screen', () => {
  const para = (n: number) => `Paragraph ${n} ${'word '.repeat(30)}end${n}.`;
  it('100x30 narrowed to 60 while six blocks complete: the paragraph above the tail is printed again', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    app.store.view({ rows: 30, columns: 100 });
    await app.emit(started(), user('q'), turn());
    for (let i = 0; i < 6; i++) await app.emit(delta(`${para(i)}\n\n`));
    await app.emit(delta(para(6)));
    // On screen: ... paragraphs 4 and 5 (committed, visible), then the tail (paragraph 6).
    app.store.view({ columns: 60 });
    for (let i = 7; i <= 12; i++) await app.emit(delta(`\n\n${para(i)}`));
    const v = app.store.getSnapshot().view;
    // The live region of a running turn with an empty composer is 5 rows: 30 - 5 - 1.
    app.store.view({ epoch: v.epoch + 1, repaintRows: 24 });
    await app.emit();
    const w = stripAnsi(app.writes[app.writes.length - 1] as string);
    expect(w, 'paragraph 5, erased from the screen by the repaint').toContain('end5.');
  });
});
