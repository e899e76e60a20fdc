/**
 * The CLI bundled from source with esbuild (into node_modules/.cache, so packages resolve and
 * fixtures/ is found like from dist/), for store e2e tests that must not depend on a prior
 * `npm run build` (which other tests may be rewriting concurrently).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Bundles src/cli/main.ts; returns the folder holding `cli/main.js` (remove it when done). */
export async function bundleCli(): Promise<string> {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outdir = mkdtempSync(join(cache, 'tether-store-e2e-'));
  await build({
    entryPoints: { 'cli/main': join(ROOT, 'src/cli/main.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    define: { __TETHER_VERSION__: '"0.0.0-e2e"' },
    logLevel: 'silent',
  });
  return outdir;
}

export interface TetherRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `tether args…` with an isolated home, the simulator as base URL and a test API key. */
export function startTether(
  outdir: string,
  args: string[],
  env: { home: string; cwd: string; baseUrl: string; apiKey: string; extra?: Record<string, string> },
  timeoutMs = 25_000,
): TetherRun {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TETHER_HOME: env.home,
    OPENAI_API_KEY: env.apiKey,
    OPENAI_BASE_URL: env.baseUrl,
    NO_COLOR: '1',
    ...env.extra,
  };
  delete childEnv['TETHER_BASE_URL'];
  const child = spawn(process.execPath, [join(outdir, 'cli/main.js'), ...args], {
    cwd: env.cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((ok, fail) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      ok({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}
