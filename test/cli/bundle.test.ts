/**
 * Startup is a feature: the bundle's static import graph from dist/cli/main.js must not reach
 * React, Ink, ws, conf or execa. Those load lazily, only in the modes that need them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIST = resolve(import.meta.dirname, '../../dist');
const STATIC_IMPORT = /(?:^|\n)\s*import\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g;

function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(STATIC_IMPORT)) {
      const spec = m[1] ?? '';
      if (spec.startsWith('.')) visit(join(dirname(file), spec));
      else
        packages.add(
          spec.startsWith('node:')
            ? spec
            : spec
                .split('/')
                .slice(0, spec.startsWith('@') ? 2 : 1)
                .join('/'),
        );
    }
  };
  visit(entry);
  return { files, packages };
}

describe('bundle', () => {
  it('dist/cli/main.js exists (npm run build ran)', () => {
    expect(existsSync(join(DIST, 'cli/main.js'))).toBe(true);
  });

  it('the --version path statically imports no heavy runtime package', () => {
    const { packages } = staticGraph(join(DIST, 'cli/main.js'));
    for (const heavy of ['react', 'ink', 'ws', 'conf', 'execa', 'commander', 'marked', 'chalk']) {
      expect([...packages], heavy).not.toContain(heavy);
    }
  });

  it('ships the simulator scenarios inside dist for the npx path', () => {
    expect(existsSync(join(DIST, 'fixtures/scenarios'))).toBe(true);
  });
});
