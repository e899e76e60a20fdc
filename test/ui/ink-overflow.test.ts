/**
 * Ink's renderer gets an `ansi-escapes` whose `clearTerminal` keeps the scrollback
 * (src/ui/ink-overflow.ts, swapped in by scripts/ink-output-plugin.mjs).
 */
import ansiEscapes from 'ansi-escapes';
import { afterEach, describe, expect, it } from 'vitest';
import escapes, { setInkOverflowHandler } from '../../src/ui/ink-overflow.js';
import { eraseVisibleRows } from '../../src/ui/repaint.js';

afterEach(() => setInkOverflowHandler(null));

describe('Ink’s clearTerminal', () => {
  it('erases the visible rows, never the scrollback, and asks the screen to repaint', () => {
    expect(ansiEscapes.clearTerminal).toContain('\x1b[3J');
    expect(escapes.clearTerminal).not.toContain('\x1b[3J');
    expect(escapes.clearTerminal).not.toContain('\x1b[2J');
    expect(escapes.clearTerminal).toBe(eraseVisibleRows(process.stdout.rows || 24));
    let asked = 0;
    setInkOverflowHandler(() => {
      asked++;
      return eraseVisibleRows(15);
    });
    expect(escapes.clearTerminal).toBe(eraseVisibleRows(15));
    expect(asked).toBe(1);
  });

  it('leaves every other escape as it is', () => {
    expect(escapes.eraseLines(3)).toBe(ansiEscapes.eraseLines(3));
    expect(escapes.cursorUp(2)).toBe(ansiEscapes.cursorUp(2));
    expect(escapes.eraseScreen).toBe(ansiEscapes.eraseScreen);
  });
});
