/**
 * Spawning a measured process: wall time from spawn to exit, and memory read from
 * `/proc/<pid>/status` while it runs (VmHWM is the kernel's own peak-RSS counter, so sampling
 * only has to catch its last value before exit; VmRSS samples give the curve).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One memory sample of the measured process. */
export interface RssSample {
  /** ms since spawn. */
  atMs: number;
  /** Resident set size (MiB). */
  rssMiB: number;
}

/** Result of {@link runMeasured}. */
export interface MeasuredRun {
  code: number | null;
  signal: string | null;
  /** Wall time from spawn to exit (ms). */
  wallMs: number;
  /** Peak RSS (VmHWM, MiB) last read before exit; NaN if never read. */
  peakRssMiB: number;
  samples: RssSample[];
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Options of {@link runMeasured}. */
export interface MeasureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill with SIGKILL after this long (ms). */
  timeoutMs: number;
  /** Sampling period of /proc (ms); default 10. */
  sampleEveryMs?: number;
  /** Called for every sample (e.g. to correlate RSS with turns served). */
  onSample?: (s: RssSample) => void;
  /** Called for every stdout chunk. */
  onStdout?: (chunk: string) => void;
  /** Text written to stdin (then closed); stdin is closed immediately when absent. */
  input?: string;
}

/** Reads a `kB` field of /proc/<pid>/status, in MiB; NaN when the process is gone. */
export function procStatusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m?.[1] ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Spawns `file args…`, samples its memory, and resolves when it exits. */
export function runMeasured(file: string, args: string[], opts: MeasureOptions): Promise<MeasuredRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = Number.NaN;
    let timedOut = false;
    const samples: RssSample[] = [];
    const sample = (): void => {
      if (child.pid === undefined) return;
      const hwm = procStatusMiB(child.pid, 'VmHWM');
      if (!Number.isNaN(hwm)) peak = Number.isNaN(peak) ? hwm : Math.max(peak, hwm);
      const rss = procStatusMiB(child.pid, 'VmRSS');
      if (!Number.isNaN(rss)) {
        const s = { atMs: performance.now() - t0, rssMiB: rss };
        samples.push(s);
        opts.onSample?.(s);
      }
    };
    const timer = setInterval(sample, opts.sampleEveryMs ?? 10);
    const killer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      stdout += d;
      opts.onStdout?.(d);
    });
    child.stderr.on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (err) => {
      clearInterval(timer);
      clearTimeout(killer);
      reject(err);
    });
    // 'exit' (not 'close'): a backgrounded grandchild holding the pipes must not stretch the wall time.
    child.on('exit', (code, signal) => {
      const wallMs = performance.now() - t0;
      clearInterval(timer);
      clearTimeout(killer);
      // Let buffered stdout drain before resolving (bounded, so a leaked pipe holder cannot hang us).
      const done = (): void =>
        resolve({ code, signal, wallMs, peakRssMiB: peak, samples, stdout, stderr, timedOut });
      if (child.stdout.readableEnded) done();
      else {
        const t = setTimeout(done, 500);
        child.stdout.once('end', () => {
          clearTimeout(t);
          setImmediate(done);
        });
      }
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}
