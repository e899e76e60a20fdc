import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamRedactor, safeCut } from '../../src/output/stream-redactor.js';
import { addSecret, clearSecrets, redact } from '../../src/util/redact.js';

const SECRET = 'zq9Xv7Lm2Pw4Rt8Ky6Hb3Nc5Jd1Fg0Sa';

afterAll(() => clearSecrets());

function fragments(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i += 4) out.push(secret.slice(i, i + 8));
  return out;
}

describe('StreamRedactor', () => {
  it('no delta carries a fragment of a secret split across chunks (property)', () => {
    addSecret(SECRET);
    const word = fc.stringMatching(/^[a-z]{1,12}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 0, maxLength: 80 }),
        fc.array(word, { minLength: 0, maxLength: 80 }),
        fc.constantFrom(
          SECRET,
          `sk-${'A1b2C3d4'.repeat(5)}`,
          `Bearer ${'t0k3n'.repeat(6)}`,
          `https://user:${'pw'.repeat(8)}@host/x`,
        ),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
        (before, after, secret, sizes) => {
          const text = `${before.join(' ')} ${secret} ${after.join(' ')}`;
          const r = new StreamRedactor();
          const deltas: string[] = [];
          let i = 0;
          let k = 0;
          while (i < text.length) {
            const n = sizes[k++ % sizes.length]!;
            const d = r.push(text.slice(i, i + n));
            if (d) deltas.push(d);
            i += n;
          }
          const rest = r.end();
          if (rest) deltas.push(rest);
          const secretPart = secret.startsWith('Bearer ')
            ? secret.slice(7)
            : secret.startsWith('https://')
              ? 'pw'.repeat(8)
              : secret;
          for (const d of deltas) for (const f of fragments(secretPart)) expect(d).not.toContain(f);
          expect(deltas.join('')).toBe(redact(text));
        },
      ),
      { numRuns: 300, seed: 4242 },
    );
  });

  it('holds text back until a safe cut, and never cuts right after "Bearer"', () => {
    expect(safeCut('abc def ghi', 9)).toBe(8);
    expect(safeCut('Bearer  tok', 9)).toBe(0);
    expect(safeCut('x Bearer tok', 10)).toBe(2);
    expect(safeCut('nospaceshere', 10)).toBe(0);
    const r = new StreamRedactor(() => 4);
    expect(r.push('hello')).toBe('');
    expect(r.push(' world and more')).toBe('hello world and ');
    expect(r.end()).toBe('more');
  });
});
