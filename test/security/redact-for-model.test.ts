/**
 * Security, issue 13 §7: the model-facing redaction (`redactForModel`) as a table — whole
 * values, fragments left by cuts, values that are not secrets (paths, bare origins), and what is
 * documented as out of scope (transformed copies).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { visible } from '../../src/ui/trust-prompt.js';
import { addSecret, addSecretsFromEnv, clearSecrets, redactForModel } from '../../src/util/redact.js';

const KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

afterEach(() => clearSecrets());

describe('redactForModel', () => {
  const cases: Array<[string, string, string]> = [
    ['whole key', `key=${KEY}\n`, 'key=[REDACTED]\n'],
    ['twice on a line', `${KEY} ${KEY}`, '[REDACTED] [REDACTED]'],
    [
      'prefix cut by a truncation marker',
      `AAA${KEY.slice(0, 20)}\n[... output truncated ...]`,
      'AAA[REDACTED]\n[... output truncated ...]',
    ],
    ['suffix after a cut', `[... truncated ...]\n${KEY.slice(-15)}BBB`, '[... truncated ...]\n[REDACTED]BBB'],
    [
      'prefix cut by the long-line cap',
      `${KEY.slice(0, 30)}… [line truncated, 5000 chars]`,
      '[REDACTED]… [line truncated, 5000 chars]',
    ],
    ['an 11-char piece is below the fragment floor', `x ${KEY.slice(0, 11)} y`, `x ${KEY.slice(0, 11)} y`],
    [
      'a middle piece (neither prefix nor suffix) is not a cut fragment',
      `x ${KEY.slice(10, 30)} y`,
      `x ${KEY.slice(10, 30)} y`,
    ],
    [
      'unrelated sk- strings stay (no patterns for the model)',
      'sk-test-fixture-value-not-a-secret',
      'sk-test-fixture-value-not-a-secret',
    ],
    [
      'base64 of the key is out of scope',
      Buffer.from(KEY).toString('base64'),
      Buffer.from(KEY).toString('base64'),
    ],
  ];
  for (const [label, input, expected] of cases) {
    it(label, () => {
      addSecret(KEY);
      expect(redactForModel(input)).toBe(expected);
    });
  }

  it('env registration skips paths and bare origins but keeps URLs with a path (webhooks)', () => {
    addSecretsFromEnv({
      SSH_AUTH_SOCK: '/run/user/1000/keyring/ssh',
      NEXTAUTH_URL: 'http://localhost:3000',
      SLACK_WEBHOOK_SECRET: 'https://hooks.slack.com/services/T000/B000/XXXXXXXXsecret',
      MY_TOKEN: 'tok-0123456789abcdef',
    });
    const out = redactForModel(
      'sock /run/user/1000/keyring/ssh url http://localhost:3000/x hook https://hooks.slack.com/services/T000/B000/XXXXXXXXsecret tok-0123456789abcdef',
    );
    expect(out).toContain('/run/user/1000/keyring/ssh');
    expect(out).toContain('http://localhost:3000/x');
    expect(out).not.toContain('XXXXXXXXsecret');
    expect(out).not.toContain('tok-0123456789abcdef');
  });

  it('with no secret registered, text passes unchanged', () => {
    expect(redactForModel(`x ${KEY}`)).toBe(`x ${KEY}`);
  });
});

describe('trust prompt text', () => {
  it('shows control characters and bidi overrides instead of interpreting them', () => {
    expect(visible('/tmp/a\x1b[2Jb\rc\u202ed')).toBe('/tmp/a\\x1b[2Jb\\x0dc\\u202ed');
  });
});
