import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isDangerousCommand,
  isKnownSafeCommand,
  parsePlainCommands,
} from '../../src/policy/command-safety.js';
import { parsePatch } from '../../src/tools/patch/parse.js';
import { hasHiddenChars } from '../../src/util/visible-text.js';

const shellish = fc.string({
  unit: fc.constantFrom(
    'l',
    's',
    ' ',
    '|',
    '&',
    ';',
    '(',
    ')',
    '$',
    '`',
    "'",
    '"',
    '\\',
    '>',
    '<',
    '\n',
    'r',
    'm',
    '-',
    'f',
    'e',
    'c',
    'h',
    'o',
    '{',
    '}',
    '#',
  ),
  maxLength: 40,
});

describe('classifier fuzz', () => {
  it('never throws, and anything that is not plain is never known-safe', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 60 }), shellish), async (s) => {
        await isDangerousCommand(s);
        const plain = await parsePlainCommands(s);
        if (plain === null) expect(await isKnownSafeCommand(s)).toBe(false);
      }),
      { numRuns: 3000, seed: 42 },
    );
  });

  it('a string with any control character other than tab and newline is never known-safe', async () => {
    const control = fc
      .oneof(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 11, max: 31 }),
        fc.integer({ min: 127, max: 159 }),
      )
      .map((c) => String.fromCharCode(c));
    const invisible = fc.constantFrom('\u202e', '\u2066', '\u200b', '\u00a0', '\ufeff', '\u2028', '\u061c');
    const safe = fc.constantFrom('ls', 'ls -la', 'cat a', 'echo hi', 'wc -l x', "grep -n 'a b' c", 'pwd');
    await fc.assert(
      fc.asyncProperty(safe, fc.oneof(control, invisible), fc.nat(20), async (base, bad, at) => {
        const i = Math.min(at, base.length);
        const s = base.slice(0, i) + bad + base.slice(i);
        expect(hasHiddenChars(s)).toBe(true);
        expect(await isKnownSafeCommand(s)).toBe(false);
      }),
      { numRuns: 2000, seed: 11 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40, unit: 'binary' }), async (s) => {
        if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(s))
          expect(await isKnownSafeCommand(s)).toBe(false);
      }),
      { numRuns: 2000, seed: 12 },
    );
  });

  it('substitution, redirection and background jobs are never known-safe', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '$(x)',
          '`x`',
          '>f',
          '>>f',
          '<f',
          '&',
          '<(x)',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
          '${X}',
          '$X',
          '>&f',
          '&>f',
          "$'x'",
          '{a,b}',
          '$((1))',
          '~',
        ),
        fc.constantFrom('ls', 'cat a', 'echo hi'),
        async (bad, base) => {
          expect(await isKnownSafeCommand(`${base} ${bad}`)).toBe(false);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('parsePatch fuzz', () => {
  const patchLine = fc.oneof(
    fc.constantFrom(
      '*** Begin Patch',
      '*** End Patch',
      '*** Add File: a',
      '*** Update File: a',
      '*** Delete File: b',
      '*** Move to: c',
      '@@',
      '@@ x',
      '*** End of File',
      '',
      ' ctx',
      '-old',
      '+new',
      '\r',
    ),
    fc.string({ maxLength: 10 }),
  );
  it('never throws and always returns ok or an error string', () => {
    fc.assert(
      fc.property(fc.array(patchLine, { maxLength: 20 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const r = parsePatch(lines.join(eol));
        if (!r.ok) expect(typeof r.error).toBe('string');
        else expect(r.ops.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000, seed: 1 },
    );
  });
});
