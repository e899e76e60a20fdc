/** The npx path: the published tarball ships the bundle and the bin, never src/ or test/. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm pack', () => {
  it('ships dist/ and bin/ only (plus README and package.json)', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: resolve(import.meta.dirname, '../..'),
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'silent' },
    });
    const [info] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
    const paths = (info?.files ?? []).map((f) => f.path);
    expect(paths).toContain('bin/tether.js');
    expect(paths).toContain('dist/cli/main.js');
    expect(paths).toContain('package.json');
    expect(paths.some((p) => p.startsWith('dist/fixtures/scenarios/'))).toBe(true);
    for (const p of paths) {
      expect(p, p).not.toMatch(/^(src|test|fixtures|bench|scripts|\.ci)\//);
      expect(p, p).not.toMatch(/\.map$/);
    }
  });
});
