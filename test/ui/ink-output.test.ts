/**
 * src/ui/ink-output.ts (Ink's output grid with memoized rows, swapped in by the build) must give
 * exactly Ink's own output for any sequence of writes: compared against Ink's `Output` on random
 * frames with styled, wide, narrow non-ASCII and combining characters, transformers, overlapping and out-of-range
 * writes, and with the cache warm (the same rows again, in other places). Likewise the memoized
 * `widest-line` (src/ui/ink-widest-line.ts) against widest-line itself.
 */
import fc from 'fast-check';
import InkOutput from 'ink-internal-output';
import { describe, expect, it } from 'vitest';
import inkWidestLine from 'widest-line';
import measureText from '../../src/ui/ink-measure-text.js';
import Output, { rowStats } from '../../src/ui/ink-output.js';
import widestLine from '../../src/ui/ink-widest-line.js';

type Write = { x: number; y: number; text: string; upper: boolean; numbered: boolean };

const piece = fc.constantFrom(
  'a',
  'word ',
  ' ',
  '─┬─',
  '│',
  // One column each (drawn without cells), and look-alikes that are not (soft hyphen, zero
  // width space, a shape drawn as a wide emoji, one with a variation selector).
  '⠋ ',
  '● · …',
  '↑↓ ↻',
  'äǅ',
  '╭──╮',
  '\u00ad',
  '\u200b',
  '◽',
  '◻\ufe0f',
  '漢字',
  '🙂',
  'é',
  'e\u0301',
  '\x1b[31m',
  '\x1b[39m',
  '\x1b[1m',
  '\x1b[22m',
  '\x1b[0m',
  '\x1b[7m',
  '\x1b[38;5;208m',
  '\x1b[1;31m',
  '\x1b[m',
  '\x1b[2m',
  '\x1b[49m',
  '\x1b[38;2;1;2;3m',
  '\x1b[4;38;5m',
  'plain text',
  'ab',
  '\x1b]8;;https://x.test\x07link\x1b]8;;\x07',
  '\t',
  '\n',
);
const text = fc.array(piece, { minLength: 1, maxLength: 24 }).map((p) => p.join(''));
const write: fc.Arbitrary<Write> = fc.record({
  x: fc.oneof(fc.integer({ min: 0, max: 45 }), fc.constantFrom(-2, -1, 0.5, 3.5)),
  y: fc.integer({ min: -2, max: 8 }),
  text,
  upper: fc.boolean(),
  numbered: fc.boolean(),
});
const frame = fc.record({
  width: fc.integer({ min: 1, max: 40 }),
  height: fc.integer({ min: 0, max: 7 }),
  writes: fc.array(write, { maxLength: 8 }),
});

function draw(o: InkOutput | Output, writes: Write[]) {
  for (const w of writes) {
    const transformers: Array<(line: string, index: number) => string> = [];
    if (w.upper) transformers.push((line) => line.toUpperCase());
    if (w.numbered) transformers.push((line, i) => `${i}:${line}`);
    o.write(w.x, w.y, w.text, { transformers });
  }
  return o.get();
}

describe('memoized output grid', () => {
  it('equals Ink’s output for random frames, cold and warm', () => {
    fc.assert(
      fc.property(frame, ({ width, height, writes }) => {
        const ink = draw(new InkOutput({ width, height }), writes);
        expect(draw(new Output({ width, height }), writes)).toEqual(ink);
        // Warm: the same rows come from the cache, also shifted down by one row.
        expect(draw(new Output({ width, height }), writes)).toEqual(ink);
        const shifted = writes.map((w) => ({ ...w, y: w.y + 1 }));
        expect(draw(new Output({ width, height: height + 1 }), shifted)).toEqual(
          draw(new InkOutput({ width, height: height + 1 }), shifted),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('equals Ink’s output for rows of one-column text in several writes (drawn without cells)', () => {
    // Status-bar-like rows: styled runs of ASCII and narrow non-ASCII characters written side by
    // side, touching, apart, overlapping or past the width; a wide shape among them.
    const narrow = fc.constantFrom(
      'ab',
      ' ',
      '⠋',
      '● ·',
      '…',
      '╭─╮',
      'ä',
      '\x1b[31m',
      '\x1b[2m',
      '\x1b[22m',
      '\x1b[0m',
      '◽',
    );
    const line = fc.array(narrow, { minLength: 1, maxLength: 8 }).map((p) => p.join(''));
    const row = fc.record({
      width: fc.integer({ min: 1, max: 30 }),
      writes: fc.array(fc.tuple(fc.integer({ min: 0, max: 34 }), line), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(row, ({ width, writes }) => {
        const ws = [...writes].sort((a, b) => a[0] - b[0]);
        const draw1 = (o: InkOutput | Output) => {
          for (const [x, t] of ws) o.write(x, 0, t, { transformers: [] });
          return o.get();
        };
        expect(draw1(new Output({ width, height: 1 }))).toEqual(draw1(new InkOutput({ width, height: 1 })));
      }),
      { numRuns: 1500 },
    );
  });

  it('computes a row once and reuses it in later frames', () => {
    const before = { ...rowStats };
    const writes: Write[] = [
      { x: 0, y: 0, text: 'status \x1b[31mbar\x1b[39m', upper: false, numbered: false },
      { x: 2, y: 1, text: 'line one\nline two', upper: false, numbered: false },
    ];
    draw(new Output({ width: 30, height: 3 }), writes);
    const computed = rowStats.computed - before.computed;
    draw(new Output({ width: 30, height: 3 }), writes);
    expect(rowStats.computed - before.computed).toBe(computed);
    expect(rowStats.reused - before.reused).toBeGreaterThanOrEqual(3);
  });

  it('hands a clipped frame to Ink whole', () => {
    const o = new Output({ width: 10, height: 2 });
    const i = new InkOutput({ width: 10, height: 2 });
    for (const g of [o, i]) {
      g.clip({ x1: 2, x2: 6, y1: 0, y2: 1 });
      g.write(0, 0, 'abcdefghij\nklmnopqrst', { transformers: [] });
      g.unclip();
      g.write(0, 1, 'zz', { transformers: [] });
    }
    expect(o.get()).toEqual(i.get());
  });
});

describe('memoized widest-line', () => {
  it('equals widest-line, cold and warm', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 4 }), (parts) => {
        const t = parts.join('\n');
        expect(widestLine(t)).toBe(inkWidestLine(t));
        expect(widestLine(t)).toBe(inkWidestLine(t));
      }),
      { numRuns: 300 },
    );
  });
});

describe('measureText with a bounded cache', () => {
  it('measures as Ink does (widest line, line count), also past the cache bound', () => {
    expect(measureText('')).toEqual({ width: 0, height: 0 });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 4 }), (parts) => {
        const t = parts.join('\n');
        const want =
          t === '' ? { width: 0, height: 0 } : { width: inkWidestLine(t), height: t.split('\n').length };
        expect(measureText(t)).toEqual(want);
        expect(measureText(t)).toEqual(want);
      }),
      { numRuns: 1500 },
    );
  });
});
