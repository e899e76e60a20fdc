/**
 * Startup is a feature: `tether --version` must load nothing but bin/tether.js and
 * dist/cli/main.js (no React, Ink, ws, conf or commander), checked at run time with a module
 * loader hook that records every module Node loads.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');

/** Runs `node bin/tether.js …args` with a resolve hook; returns the file URLs it loaded. */
function loadedModules(args: string[]): { stdout: string; loaded: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tether-hook-'));
  const log = join(dir, 'loaded.txt');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const stdout = execFileSync(
    process.execPath,
    ['--import', pathToFileURL(register).href, join(ROOT, 'bin/tether.js'), ...args],
    {
      encoding: 'utf8',
    },
  );
  const loaded = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { stdout, loaded: loaded.map((u) => u.replace(pathToFileURL(ROOT).href, '')) };
}

describe('bundle', () => {
  it('dist/cli/main.js exists (npm run build ran)', () => {
    expect(existsSync(join(DIST, 'cli/main.js'))).toBe(true);
  });

  it('--version loads only bin/tether.js and dist/cli/main.js', () => {
    const { stdout, loaded } = loadedModules(['--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(new Set(loaded.filter((u) => !u.includes('tether-hook-')))).toEqual(
      new Set(['/bin/tether.js', '/dist/cli/main.js']),
    );
  });

  it('--help loads the program chunk but no UI, socket or config code', () => {
    const { loaded } = loadedModules(['--help']);
    const chunks = loaded.filter((u) => u.startsWith('/dist/chunks/'));
    expect(chunks.some((u) => u.includes('/program-'))).toBe(true);
    for (const heavy of [
      'run-screen',
      'interactive',
      'simulator',
      'print',
      'user-config',
      'node_modules',
      'tree-sitter',
    ]) {
      expect(
        loaded.filter((u) => u.includes(heavy)),
        heavy,
      ).toEqual([]);
    }
  });

  it('ships the simulator scenarios inside dist for the npx path', () => {
    expect(existsSync(join(DIST, 'fixtures/scenarios'))).toBe(true);
  });
});
