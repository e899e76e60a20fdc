import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasHiddenChars, visibleLine, visibleSegments, visibleText } from '../../src/util/visible-text.js';

describe('visibleText', () => {
  it.each([
    ['rm -rf x \r echo ok', 'rm -rf x \\r echo ok'],
    ['a\x1b[2Kb', 'a\\x1b[2Kb'],
    ['\0\b\f\v\x7f\x85', '\\0\\b\\f\\v\\x7f\\x85'],
    ['abc\u202etxt.exe', 'abc\\u202etxt.exe'],
    ['x\u2066y\u2069', 'x\\u2066y\\u2069'],
    ['zero\u200bwidth\ufeff', 'zero\\u200bwidth\\ufeff'],
    ['nb\u00a0sp\u3000', 'nb\\xa0sp\\u3000'],
    ['line\u2028sep', 'line\\u2028sep'],
    ['tag\u{e0041}', 'tag\\u{e0041}'],
    ['tab\tand\nnewline stay', 'tab\tand\nnewline stay'],
    ['héllo ✓ 日本 😀', 'héllo ✓ 日本 😀'],
  ])('%j → %j', (input, out) => {
    expect(visibleText(input)).toBe(out);
    expect(hasHiddenChars(input)).toBe(input !== out);
  });

  it('visibleLine also shows newlines and tabs', () => {
    expect(visibleLine('a\tb\nc\r')).toBe('a\\tb\\nc\\r');
  });

  it('segments mark each escape and join to visibleText', () => {
    expect(visibleSegments('a\rb')).toEqual([
      { text: 'a', escaped: false },
      { text: '\\r', escaped: true },
      { text: 'b', escaped: false },
    ]);
  });

  it('never drops or hides text: the output has no hidden character and keeps every visible one', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const v = visibleText(s);
        expect(hasHiddenChars(v)).toBe(false);
        // Every visible character of the input survives, in order.
        const kept = [...s].filter((c) => !hasHiddenChars(c)).join('');
        let at = 0;
        for (const c of kept) {
          at = v.indexOf(c, at);
          expect(at).toBeGreaterThanOrEqual(0);
          at += c.length;
        }
        expect(
          visibleSegments(s)
            .map((x) => x.text)
            .join(''),
        ).toBe(v);
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});
