/** The resize repaint's pieces (repaint.ts): rows erased one by one, a transcript tail of whole entries. */
import { describe, expect, it } from 'vitest';
import { eraseVisibleRows, transcriptTail } from '../../src/ui/repaint.js';
import type { Entry } from '../../src/ui/state/entries.js';

const box = (id: number, rows: number): Entry => ({
  id,
  kind: 'notice',
  level: 'info',
  text: `box${id}:${rows}`,
});
const md = (id: number, text: string): Entry => ({ id, kind: 'markdown', text });
/** A printer: a notice "boxN:R" prints R lines (a box), markdown its lines. */
const print = (e: Entry) =>
  e.kind === 'notice'
    ? `${Array.from({ length: Number(e.text.split(':')[1]) }, (_, i) => `${e.text.split(':')[0]}-${i}`).join('\n')}\n`
    : `${(e as { text: string }).text}\n`;

describe('resize repaint', () => {
  it('erases each visible row without ED2/ED3 (which push to or drop the scrollback)', () => {
    const seq = eraseVisibleRows(3);
    expect(seq).toBe('\x1b[H\x1b[2K\x1b[1B\x1b[2K\x1b[1B\x1b[2K\x1b[H');
    expect(seq).not.toMatch(/\x1b\[[23]J/);
  });

  it('keeps whole entries from the end: a box that does not fit is left out, not cut', () => {
    const entries = [box(1, 4), box(2, 3), box(3, 2)];
    expect(transcriptTail(entries, 6, print)).toBe('box2-0\nbox2-1\nbox2-2\nbox3-0\nbox3-1\n');
    expect(transcriptTail(entries, 100, print).split('\n').length - 1).toBe(9);
    expect(transcriptTail(entries, 0, print)).toBe('');
  });

  it('only a markdown block taller than the space left is cut, at its top', () => {
    const entries = [box(1, 2), md(2, 'a\nb\nc\nd\ne')];
    expect(transcriptTail(entries, 3, print)).toBe('c\nd\ne\n');
    expect(transcriptTail([md(1, 'x'), box(2, 5)], 3, print)).toBe('');
  });
});
