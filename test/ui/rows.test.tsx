import { afterEach, describe, expect, it } from 'vitest';
import { cursorWindow, headByRows, tailByRows, visualRows } from '../../src/ui/rows.js';
import { askApproval, cmd, delta, started, turn, user } from './events.js';
import { renderApp } from './harness.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('row budget helpers', () => {
  it('counts wrapped rows without escape sequences', () => {
    expect(visualRows('\x1b[1mabc\x1b[22m', 2)).toBe(2);
    expect(visualRows('', 80)).toBe(1);
  });
  it('keeps the tail / head that fits', () => {
    expect(tailByRows('a\nb\nc', 10, 2)).toEqual({ text: 'b\nc', truncated: true });
    expect(tailByRows('x'.repeat(100), 10, 3).text).toBe('x'.repeat(29));
    expect(headByRows('a\nb\nc', 10, 2)).toEqual({ text: 'a\nb', hiddenLines: 1, cutChars: 0 });
  });
  it('windows a long line around the cursor', () => {
    const w = cursorWindow('0123456789'.repeat(10), 50, 20);
    expect(w.cutStart && w.cutEnd).toBe(true);
    expect(w.at).toBe('0');
    expect(w.before.length + 1 + w.after.length).toBe(20);
  });
});

describe('the live region stays shorter than the terminal', () => {
  const live = (screen: string) => screen.slice(screen.lastIndexOf('› q')).split('\n').length;

  it('for one huge streamed line without newlines', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('q'), turn(), delta('word '.repeat(6000)));
    expect(live(app.screen())).toBeLessThan(30);
  });

  it('for a huge pasted line and a huge command awaiting approval', async () => {
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('q'));
    await app.type('y'.repeat(20_000));
    expect(app.store.getSnapshot().composer.text).toHaveLength(20_000);
    expect(live(app.screen())).toBeLessThan(30);
    const long = Array.from({ length: 200 }, (_, i) => `echo line ${i}`).join('\n');
    await app.emit(askApproval('c1', cmd(long)));
    const s = app.screen();
    expect(live(s)).toBeLessThan(45);
    expect(s).toContain('more lines not shown');
    await app.type('e');
    expect(live(app.screen())).toBeLessThan(45);
  });
});

describe('parallel tool calls', () => {
  it('show compact cards beyond the last two and at most eight', async () => {
    const { toolStart, toolOut } = await import('./events.js');
    const app = await renderApp();
    cleanup = app.unmount;
    await app.emit(started(), user('q'), turn());
    for (let i = 0; i < 10; i++)
      await app.emit(toolStart(`c${i}`, cmd(`job ${i}`)), toolOut(`c${i}`, `out ${i}\n`));
    const s = app.screen();
    expect(s).toContain('… 2 more calls');
    expect(s).not.toContain('$ job 1 ');
    expect(s).toContain('$ job 2');
    expect(s).not.toContain('out 2');
    expect(s).toContain('out 8');
    expect(s).toContain('out 9');
  });
});
