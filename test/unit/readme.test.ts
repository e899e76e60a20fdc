/** README must stay true: every setting, env var and exit code the code has is documented. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config/schema.js';
import { EXIT } from '../../src/util/exit-codes.js';

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

describe('README', () => {
  it('documents every config key with its env var and default', () => {
    for (const s of SETTINGS) {
      expect(README, s.key).toContain(`| \`${s.key}\` | \`${s.env}\` |`);
      expect(README, s.key).toContain(`\`${String(s.default)}\``);
    }
  });

  it('documents every exit code', () => {
    for (const code of Object.values(EXIT)) {
      if (code === 143) continue; // described with 130
      expect(README).toMatch(new RegExp(`\\| ${code} \\|`));
    }
  });

  it('gives the two set-up commands', () => {
    expect(README).toContain('--demo');
    expect(README).toContain('npm test');
  });
});
