/** Runs the built CLI (`node bin/tether.js -p … --json`) against a simulator, measured. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeCliEntry, probeUrl } from './cli-probe.js';
import type { HarnessPaths } from './load-src.js';
import { type MeasuredRun, type RssSample, runMeasured } from './proc.js';

/** API key handed to spawned clients; the simulator accepts any non-empty bearer. */
export const BENCH_API_KEY = 'sk-bench-not-a-real-key';

/** Options of {@link runTether}. */
export interface TetherRunOptions {
  baseUrl: string;
  prompt: string;
  transport: 'websocket' | 'http';
  timeoutMs: number;
  /** Extra environment (settings as TETHER_* variables). */
  env?: Record<string, string>;
  onSample?: (s: RssSample) => void;
  /** /proc sampling period (ms). */
  sampleEveryMs?: number;
  /** Preload the socket probe into the CLI; its marks are written to this file at exit. */
  probeOut?: string;
}

/** A measured run plus the parsed JSONL lines. */
export interface TetherRun extends MeasuredRun {
  events: Array<Record<string, unknown>>;
}

let scratch: string | undefined;

/**
 * Scratch folder for workspaces and TETHER_HOMEs, outside the repository: a workspace inside
 * this checkout would make tether index the repo (node_modules included) and skew every figure.
 */
export function scratchDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'tether-bench-'));
  return scratch;
}

/** Removes the scratch folder (end of run). */
export function removeScratch(): void {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

/** A fresh TETHER_HOME. */
export function makeHome(): string {
  return mkdtempSync(join(scratchDir(), 'home-'));
}

/** A scratch workspace with a few files for tools to read. */
export function makeWorkspace(_paths: HarnessPaths, label: string): string {
  const dir = mkdtempSync(join(scratchDir(), `ws-${label}-`));
  writeFileSync(join(dir, 'notes.txt'), 'benchmark workspace\n'.repeat(4));
  writeFileSync(join(dir, 'README.md'), '# bench\n');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
  return dir;
}

/** Parses JSONL output, skipping non-JSON lines. */
export function parseJsonl(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      const v: unknown = JSON.parse(t);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push(v as Record<string, unknown>);
    } catch {
      /* not JSON: ignore */
    }
  }
  return out;
}

/** Every numeric value stored under a key matching `key` (any depth), in document order. */
export function collectNumbers(value: unknown, key: RegExp, out: number[] = []): number[] {
  if (Array.isArray(value)) for (const v of value) collectNumbers(v, key, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (key.test(k) && typeof v === 'number') out.push(v);
      else collectNumbers(v, key, out);
    }
  }
  return out;
}

/** Spawns tether in print mode (full-auto, sandbox off, JSONL) and waits for it to exit. */
export async function runTether(paths: HarnessPaths, opts: TetherRunOptions): Promise<TetherRun> {
  const home = makeHome();
  const cwd = makeWorkspace(paths, opts.transport);
  const args = [
    join(paths.root, 'bin', 'tether.js'),
    '-p',
    opts.prompt,
    '--approval',
    'full-auto',
    '--sandbox',
    'off',
    '--json',
    '--transport',
    opts.transport,
    '--base-url',
    opts.baseUrl,
  ];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    TETHER_HOME: home,
    NO_COLOR: '1',
    OPENAI_API_KEY: BENCH_API_KEY,
    ...opts.env,
  };
  if (opts.probeOut) {
    args[0] = await probeCliEntry(paths);
    env['NODE_OPTIONS'] = `--import=${await probeUrl(paths)}`;
    env['BENCH_PROBE_OUT'] = opts.probeOut;
  }
  const run = await runMeasured(process.execPath, args, {
    cwd,
    env,
    timeoutMs: opts.timeoutMs,
    ...(opts.onSample ? { onSample: opts.onSample } : {}),
    ...(opts.sampleEveryMs ? { sampleEveryMs: opts.sampleEveryMs } : {}),
  });
  return { ...run, events: parseJsonl(run.stdout) };
}

/** One-line description of a failed run: exit status, the first error line and the stderr tail. */
export function describeFailure(run: MeasuredRun): string {
  const lines = run.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const first = lines.find((l) => /\b\w*Error\b[:\s]|\berror:/i.test(l));
  const tail = lines.slice(-2).join(' / ');
  const parts = [first, tail].filter((p, i, a): p is string => p !== undefined && a.indexOf(p) === i);
  return `exit ${run.code ?? run.signal}${run.timedOut ? ' (timed out)' : ''}: ${parts.join(' … ').slice(0, 400) || '(no stderr)'}`;
}
