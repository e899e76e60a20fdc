import { afterEach, describe, expect, it } from 'vitest';
import { formatError, TetherError, usageError } from '../../src/util/errors.js';
import { EXIT } from '../../src/util/exit-codes.js';
import { addSecret, clearSecrets, redact } from '../../src/util/redact.js';

describe('errors and redaction', () => {
  afterEach(() => clearSecrets());

  it('exit-code table matches the README contract', () => {
    expect(EXIT).toMatchObject({
      success: 0,
      failed: 1,
      usage: 2,
      auth: 3,
      network: 4,
      limit: 5,
      interrupted: 130,
    });
  });

  it('formats any error as one redacted line without a stack', () => {
    addSecret('sk-live-secret-value-1234567890');
    const err = new TetherError('auth refused for sk-live-secret-value-1234567890\nsecond line', EXIT.auth);
    const text = formatError(err, false);
    expect(text).toBe('tether: auth refused for [REDACTED]');
    expect(usageError('x').exitCode).toBe(2);
  });

  it('adds the stack only in debug mode', () => {
    expect(formatError(new Error('boom'), true)).toMatch(/\n\s+at /);
  });

  it('redacts known values longest first and secret-shaped patterns', () => {
    addSecret('abcdefgh');
    addSecret('abcdefgh-longer');
    expect(redact('x abcdefgh-longer y abcdefgh')).toBe('x [REDACTED] y [REDACTED]');
    expect(redact('Authorization: Bearer tok_123')).toBe('Authorization: [REDACTED]');
    expect(redact('key sk-proj-aaaaaaaaaaaaaaaaaaaaaaaa end')).toBe('key [REDACTED] end');
    expect(redact('https://user:pw@example.com/x')).toBe('https://[REDACTED]@example.com/x');
  });
});
