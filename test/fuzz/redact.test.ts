/**
 * Fuzz (R23): redaction. Inserting a registered secret anywhere in random text (any number of
 * times, next to look-alike fragments) and redacting leaves no substring of the secret of length
 * ≥ 8; secret-shaped values (sk-…, Bearer …, gh*_…, URL credentials) are caught without being
 * registered; redaction is idempotent and never throws.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { addSecret, addSecretsFromEnv, clearSecrets, redact } from '../../src/util/redact.js';
import { anyText, fuzzParams } from '../helpers/chaos-fc.js';

const KEY_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
const secretArb = fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength: 8, maxLength: 64 });
/** Surrounding text: printable ASCII, JSON-ish punctuation, multi-byte text and newlines. */
const textArb = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...' \n\t"{}:,=/@'),
    fc.constantFrom(...KEY_CHARS),
    fc.constantFrom('é', '日', '😀'),
  ),
  maxLength: 120,
});

/** Every substring of `secret` of length ≥ `min` found in `text`. */
function leakedFragments(text: string, secret: string, min = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i + min <= secret.length; i++) {
    const frag = secret.slice(i, i + min);
    if (text.includes(frag)) out.push(frag);
  }
  return out;
}

afterEach(() => clearSecrets());

describe('fuzz: redact', () => {
  it('a registered secret inserted anywhere leaves no fragment of length ≥ 8', () => {
    fc.assert(
      fc.property(
        secretArb,
        textArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        (secret, text, positions) => {
          // The surrounding text must not already contain fragments on its own.
          fc.pre(leakedFragments(text, secret).length === 0);
          clearSecrets();
          addSecret(secret);
          // Insert at positions of the original text (never inside an earlier copy).
          const cuts = [...new Set(positions.map((p) => p % (text.length + 1)))].sort((x, y) => x - y);
          let s = '';
          let prev = 0;
          for (const at of cuts) {
            s += text.slice(prev, at) + secret;
            prev = at;
          }
          s += text.slice(prev);
          const out = redact(s);
          expect(leakedFragments(out, secret)).toEqual([]);
        },
      ),
      fuzzParams(1500, 21),
    );
  });

  it('a secret that prefixes another leaves no fragment of either', () => {
    fc.assert(
      fc.property(secretArb, secretArb, textArb, (a, tail, text) => {
        const b = a + tail; // a is a prefix of b
        fc.pre(leakedFragments(text, b).length === 0);
        clearSecrets();
        addSecret(a);
        addSecret(b);
        const out = redact(`${text}${b} ${a}${text}`);
        expect(leakedFragments(out, b)).toEqual([]);
        expect(leakedFragments(out, a)).toEqual([]);
      }),
      fuzzParams(500, 22),
    );
  });

  it('secret-shaped values are redacted without being registered', () => {
    const body = fc.string({
      unit: fc.constantFrom(...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'),
      minLength: 24,
      maxLength: 48,
    });
    const shaped = fc.oneof(
      body.map((b) => `sk-${b}`),
      body.map((b) => `sk-proj-${b}`),
      body.map((b) => `ghp_${b}`),
      body.map((b) => `Bearer ${b}`),
      body.map((b) => `https://user:${b}@example.com/x`),
    );
    const sep = fc.constantFrom(' ', '\n', '"', ':', '\t');
    fc.assert(
      fc.property(textArb, shaped, sep, textArb, (before, secret, s, after) => {
        clearSecrets();
        const token = secret.includes('://')
          ? (secret.split(':')[2]?.split('@')[0] ?? secret)
          : secret.replace(/^Bearer /, '');
        fc.pre(!before.includes(token.slice(0, 8)) && !after.includes(token.slice(0, 8)));
        const out = redact(`${before}${s}${secret}${s}${after}`);
        expect(leakedFragments(out, token)).toEqual([]);
      }),
      fuzzParams(1000, 23),
    );
  });

  it('is idempotent and never throws on arbitrary text', () => {
    fc.assert(
      fc.property(anyText(200), secretArb, (text, secret) => {
        clearSecrets();
        addSecret(secret);
        const once = redact(text);
        expect(typeof once).toBe('string');
        expect(redact(once)).toBe(once);
      }),
      fuzzParams(600, 24),
    );
  });

  it('env values of secret-named variables are registered (name filter)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'OPENAI_API_KEY',
          'GITHUB_TOKEN',
          'MY_SECRET',
          'DB_PASSWORD',
          'AWS_SECRET_ACCESS_KEY',
          'X_AUTH',
        ),
        secretArb,
        (name, value) => {
          clearSecrets();
          addSecretsFromEnv({ [name]: value, HOME: '/home/u' });
          expect(redact(`value=${value}!`)).not.toContain(value);
        },
      ),
      fuzzParams(200, 25),
    );
  });
});
