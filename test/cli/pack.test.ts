/**
 * The published package: the tarball ships the bundle and the bin, never src/ or test/, and has
 * no runtime dependencies — scripts/build.mjs bundles every package the code imports into dist/,
 * so users install one small package (like Claude Code's). Installing the tarball into an empty
 * prefix must give a working `tether`, at most 10 MB.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
  string,
  Record<string, string> | undefined
>;

/** Packages scripts/build.mjs leaves out of the bundle (native binaries). */
function buildExternals(): string[] {
  const src = readFileSync(join(ROOT, 'scripts/build.mjs'), 'utf8');
  const m = /external:\s*\[([^\]]*)\]/.exec(src);
  return [...(m?.[1] ?? '').matchAll(/'([^']+)'/g)].map((x) => x[1] ?? '');
}

function sizeMb(dir: string): number {
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) bytes += statSync(p).size;
    }
  };
  walk(dir);
  return bytes / 1e6;
}

describe('npm pack', () => {
  it('ships dist/ and bin/ only (plus README and package.json)', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
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

  it('has no runtime dependencies: packages go to devDependencies and are bundled into dist/', () => {
    expect(
      Object.keys(pkg['dependencies'] ?? {}),
      'add npm packages to devDependencies: scripts/build.mjs bundles them into dist/, and the ' +
        'published package installs without dependencies. Only a native module that cannot be ' +
        "bundled may be an optionalDependency, listed in build.mjs's `external` and loaded with a fallback.",
    ).toEqual([]);
    const externals = buildExternals();
    for (const name of Object.keys(pkg['optionalDependencies'] ?? {}))
      expect(externals, `optional dependency ${name} must be external in scripts/build.mjs`).toContain(name);
    for (const name of externals.filter((n) => n !== 'react-devtools-core'))
      expect(
        pkg['optionalDependencies'] ?? {},
        `${name} is external, so it must be an optionalDependency`,
      ).toHaveProperty(name);
  });
});

describe('the installed tarball', () => {
  let dir: string;
  let sim: Simulator;
  let bin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tether-pack-'));
    const tgz = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'silent' },
    })
      .trim()
      .split('\n')
      .at(-1) as string;
    // Like `npm install -g`, into an empty prefix; the optional pty binary comes from the cache
    // that `npm ci` filled (nothing else is fetched: there is nothing else to fetch).
    execFileSync(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        join(dir, 'prefix'),
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(dir, tgz),
      ],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } },
    );
    bin = join(dir, 'prefix', 'bin', 'tether');
    sim = await startSimulator({
      seed: 1,
      scenario: {
        name: 'pack',
        turns: [
          {
            when: { user: 'shell' },
            steps: [
              { say: 'Running it.', call: { tool: 'shell', args: { command: 'echo packed-ok' } } },
              { say: 'Ran it.' },
            ],
          },
        ],
        fallback: 'You said: say hi',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs at most 10 MB and runs --version and a -p run from the bundle alone', async () => {
    const installed = sizeMb(join(dir, 'prefix'));
    expect(installed).toBeLessThan(10);
    const env = { PATH: process.env['PATH'] ?? '', HOME: dir, TETHER_HOME: join(dir, 'home'), NO_COLOR: '1' };
    expect(execFileSync(bin, ['--version'], { cwd: dir, encoding: 'utf8', env }).trim()).toBe(
      String(pkg['version']),
    );
    // Asynchronous: the simulator answering it runs in this process.
    const { stdout: out } = await promisify(execFile)(
      bin,
      ['-p', 'say hi', '--base-url', sim.url, '-C', dir],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...env, OPENAI_API_KEY: 'sk-test-pack-0123456789abcdef' },
      },
    );
    expect(out).toContain('You said: say hi');
    // The shell tool goes through the bash parser: its WebAssembly files ship in the package.
    for (const f of ['web-tree-sitter.wasm', 'tree-sitter-bash.wasm'])
      expect(statSync(join(dir, 'prefix/lib/node_modules/tether-code/dist/wasm', f)).size).toBeGreaterThan(0);
    const { stdout: jsonl } = await promisify(execFile)(
      bin,
      ['-p', 'run the shell', '--json', '--sandbox', 'off', '--base-url', sim.url, '-C', dir],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...env, OPENAI_API_KEY: 'sk-test-pack-0123456789abcdef' },
      },
    );
    const items = jsonl
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as { type: string; item?: { type: string; output?: string; exit_code?: number } },
      );
    const cmd = items.find((l) => l.type === 'item.completed' && l.item?.type === 'command_execution');
    expect(cmd?.item?.output).toContain('packed-ok');
    expect(cmd?.item?.exit_code).toBe(0);
  }, 60_000);
});
