import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isDangerousCommand,
  isKnownSafeCommand,
  parsePlainCommands,
} from '../../src/policy/command-safety.js';
import { lexShell } from '../../src/policy/shell-lex.js';
import { parsePatch } from '../../src/tools/patch/parse.js';

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
  it('never throws, and anything the plain parser rejects is never known-safe', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), shellish), (s) => {
        expect(() => lexShell(s)).not.toThrow();
        expect(() => isDangerousCommand(s)).not.toThrow();
        const plain = parsePlainCommands(s);
        if (plain === null) expect(isKnownSafeCommand(s)).toBe(false);
      }),
      { numRuns: 3000, seed: 42 },
    );
  });

  it('substitution, redirection and background jobs are never known-safe', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('$(x)', '`x`', '>f', '>>f', '<f', '&', '<(x)', '${X}', '$X', '2>&1'),
        fc.constantFrom('ls', 'cat a', 'echo hi'),
        (bad, base) => {
          expect(isKnownSafeCommand(`${base} ${bad}`)).toBe(false);
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
