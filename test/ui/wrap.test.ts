import fc from 'fast-check';
import stripAnsi from 'strip-ansi';
import { describe, expect, it } from 'vitest';
import wrapAnsi from 'wrap-ansi';
import { generateMarkdown } from '../../src/simulator/markdown-gen.js';
import { renderMarkdown } from '../../src/ui/markdown/render.js';
import { wrapMarkdownToWidth, wrapSimpleLine, wrapToWidth } from '../../src/ui/markdown/wrap.js';

// What Ink does to a <Text> wider than its box. (Characters that string-width 7, inside
// wrap-ansi, and string-width 8, which Ink measures with, disagree on — © and ® — are left out:
// for those Ink itself is inconsistent.)
const inkWrap = (text: string, width: number) => wrapAnsi(text, width, { trim: false, hard: true });

const piece = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'a',
      'bb',
      'word',
      'x'.repeat(7),
      'y'.repeat(23),
      ' ',
      '  ',
      '—',
      'é',
      '─',
      '…',
      '[',
      'm',
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(0, 1, 2, 3, 4, 7, 9, 22, 23, 31, 33, 39, 41, 49, 53, 90, 97, 100)
      .map((c) => `\x1b[${c}m`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('漢字', '😀', '\x1b[38;5;208m', '\x1b]8;;http://x\x07link\x1b]8;;\x07'),
  },
);
const text = fc.array(
  fc.array(piece, { maxLength: 40 }).map((a) => a.join('')),
  { minLength: 1, maxLength: 3 },
);

describe('wrapToWidth (pre-wrapping rendered markdown for Ink)', () => {
  it('produces exactly the rows wrap-ansi (Ink) would', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 30 }), (lines, width) => {
        const t = lines.join('\n');
        expect(wrapToWidth(t, width)).toBe(inkWrap(t, width));
        for (const line of lines)
          if (/^(?:[\x20-\x7e]|\x1b\[\d+m)*$/.test(line))
            expect(wrapSimpleLine(line, width)).toBe(inkWrap(line, width));
      }),
      { numRuns: 3000, seed: 20261125 },
    );
  });

  it('matches Ink on rendered markdown, and leaves text that fits untouched', () => {
    const md = generateMarkdown(20_000);
    for (const width of [20, 37, 80, 100]) {
      const out = renderMarkdown(md, width);
      expect(wrapToWidth(out, width)).toBe(inkWrap(out, width));
    }
    const fits = 'short line\n\x1b[1mbold\x1b[22m\n┌──┐';
    expect(wrapToWidth(fits, 10)).toBe(fits);
  });
});

describe('wrapMarkdownToWidth (hanging indent)', () => {
  it('wraps a long list item under its text, every row within the width; exact-width lines stay one row', () => {
    const out = wrapMarkdownToWidth(renderMarkdown(`- item ${'word '.repeat(20)}\n- two`, 40), 40);
    const rows = stripAnsi(out).split('\n');
    expect(rows[0]?.startsWith('  * item word')).toBe(true);
    expect(rows[1]?.startsWith('    word')).toBe(true);
    for (const r of rows) expect(r.length).toBeLessThanOrEqual(40);
    expect(stripAnsi(out).replace(/\s+/g, ' ')).toContain(`item ${'word '.repeat(20).trim()}`);
    const exact = 'x'.repeat(40);
    expect(wrapMarkdownToWidth(exact, 40)).toBe(exact);
    expect(wrapMarkdownToWidth(`${'y'.repeat(40)}\n${'z'.repeat(41)}`, 40).split('\n')).toEqual([
      'y'.repeat(40),
      'z'.repeat(40),
      'z',
    ]);
  });
});
