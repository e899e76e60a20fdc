/** Spawns the built CLI for print-mode e2e tests, with an isolated TETHER_HOME and a clean env. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/tether.js');

/** Fails loudly when the bundle is missing (e2e tests need `npm run build`). */
export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const TEST_KEY = 'sk-test-e2e-0123456789abcdefghijkl';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Piped to stdin through `sh` (then closed); stdin is /dev/null when absent. */
  input?: string;
  /** Called for each complete stdout line while the process runs. */
  onLine?: (line: string, child: ChildProcess) => void;
}

/** Runs `tether args…` with stdin closed; a clean env (no real key, no real home). */
export function runTether(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const home = tempDir('tether-e2e-home-');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    TETHER_HOME: home,
    OPENAI_API_KEY: TEST_KEY,
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    ...opts.env,
  };
  const started = Date.now();
  return new Promise((done, reject) => {
    // Input goes through a real shell pipe (a FIFO, as in CI).
    const child =
      opts.input === undefined
        ? spawn(process.execPath, [BIN, ...args], {
            cwd: opts.cwd ?? ROOT,
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
          })
        : spawn('sh', ['-c', 'printf %s "$TETHER_TEST_INPUT" | "$0" "$@"', process.execPath, BIN, ...args], {
            cwd: opts.cwd ?? ROOT,
            env: { ...env, TETHER_TEST_INPUT: opts.input },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout!.on('data', (d: Buffer) => {
      const s = d.toString();
      stdout += s;
      if (!opts.onLine) return;
      pending += s;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        opts.onLine(pending.slice(0, nl), child);
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

const schema = JSON.parse(readFileSync(join(ROOT, 'schema/jsonl-events.schema.json'), 'utf8'));
const validator = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

export type JsonlLine = { type: string; seq: number; [k: string]: unknown };

/** Parses JSONL output and validates every line against the published schema (throws on failure). */
export function parseJsonl(stdout: string): JsonlLine[] {
  const lines = stdout.split('\n').filter((l) => l.length > 0);
  return lines.map((l, i) => {
    const value = JSON.parse(l) as JsonlLine;
    if (!validator(value))
      throw new Error(`line ${i} fails the schema: ${l}\n${JSON.stringify(validator.errors)}`);
    return value;
  });
}

/** Pids whose /proc cmdline contains `marker` (never pkill -f: exact /proc scan). */
export function pidsWithMarker(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(marker)) out.push(Number(name));
    } catch {
      /* exited */
    }
  }
  return out;
}

/** Pids whose whole command line is exactly `cmd` (e.g. the `sleep N` leaf of a tool's tree). */
export function pidsRunning(cmd: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() === cmd)
        out.push(Number(name));
    } catch {
      /* exited */
    }
  }
  return out;
}

/** True while /proc/<pid> exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}
