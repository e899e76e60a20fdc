/**
 * Runs one command as its own process group and always comes back (RELIABILITY B7, R17–R19):
 * `detached: true` + `stdin: 'ignore'`; a wall timeout and an inactivity timeout (reset on
 * output); cancel/timeout sends SIGTERM to the whole group, then SIGKILL after a grace period,
 * deciding by exit state rather than `child.killed`. It resolves on `'exit'` plus a bounded drain
 * (never on `'close'`, which a backgrounded grandchild can hold open for ever).
 */
import { spawn } from 'node:child_process';
import type { Clock, TimerHandle } from '../../util/clock.js';
import { OutputCollector } from './output-collector.js';
import { descendants, signalRef } from './proc-tree.js';
import { forgetWhenGone, killGroup, registerGroup, unregisterGroup } from './process-registry.js';
import { markerEnv } from './run-marker.js';

/** Why the run ended. */
export type ExecEnd = 'exit' | 'timeout' | 'inactivity' | 'aborted' | 'spawn_error';

/** One process to run. */
export interface ExecRequest {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Hard wall-clock limit (ms). */
  timeoutMs: number;
  /** Kill after this long without output (ms). */
  inactivityTimeoutMs: number;
  /** Model-facing output budget (chars). */
  maxChars: number;
  spillDir: string;
  /** Used in the spill file name. */
  toolName: string;
  signal: AbortSignal;
  onOutput?: (chunk: string) => void;
  clock: Clock;
  /** SIGTERM → SIGKILL grace (ms). */
  killGraceMs?: number;
  /** How long to wait for pipes after `'exit'` (ms). */
  drainMs?: number;
  /** Live-output coalescing interval (ms); listeners see at most ~1/interval updates. */
  outputIntervalMs?: number;
  /** Called with the child's pid right after spawn (tests identify the tree by it). */
  onSpawn?: (pid: number) => void;
}

/** Outcome of {@link runProcess}. */
export interface ExecResult {
  end: ExecEnd;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  /** Model-facing output (possibly head + marker + tail). */
  output: string;
  truncated: boolean;
  spillPath?: string;
  totalBytes: number;
  /** Set for `spawn_error`. */
  error?: string;
}

/** The seam tests and sandboxes plug into (STYLE §3 example 5). */
export interface Executor {
  exec(req: ExecRequest): Promise<ExecResult>;
}

/** Default grace between SIGTERM and SIGKILL (ms), as codex-cli. */
export const KILL_GRACE_MS = 2_000;
/** Default post-exit drain (ms). */
export const DRAIN_MS = 250;

/** Spawns and supervises one process. Never rejects. */
export function runProcess(req: ExecRequest): Promise<ExecResult> {
  const { clock } = req;
  const graceMs = req.killGraceMs ?? KILL_GRACE_MS;
  const drainMs = req.drainMs ?? DRAIN_MS;
  const intervalMs = req.outputIntervalMs ?? 100;
  const collector = new OutputCollector(req.maxChars, req.spillDir, req.toolName);

  return new Promise<ExecResult>((resolve) => {
    if (req.signal.aborted) {
      resolve({
        end: 'aborted',
        exitCode: null,
        exitSignal: null,
        output: '',
        truncated: false,
        totalBytes: 0,
      });
      return;
    }
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(req.file, req.args, {
        cwd: req.cwd,
        env: { ...req.env, ...markerEnv(req.env) },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      resolve({
        end: 'spawn_error',
        exitCode: null,
        exitSignal: null,
        output: '',
        truncated: false,
        totalBytes: 0,
        error: (err as Error).message,
      });
      return;
    }
    const pid = child.pid;
    let end: ExecEnd = 'exit';
    let exited = false;
    let settled = false;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let endedStreams = 0;
    let terminating = false;
    let wallTimer: TimerHandle | undefined;
    let idleTimer: TimerHandle | undefined;
    let drainTimer: TimerHandle | undefined;
    let uiTimer: TimerHandle | undefined;
    let uiPending = '';

    const flushUi = () => {
      uiTimer = undefined;
      if (uiPending && req.onOutput) {
        const text = uiPending;
        uiPending = '';
        try {
          req.onOutput(text);
        } catch {
          /* a listener error must not break the run */
        }
      }
    };

    const terminate = (why: ExecEnd) => {
      if (terminating || exited) return;
      terminating = true;
      end = why;
      if (pid === undefined) return;
      // Snapshot descendants first: a setsid child is outside the group but still our descendant.
      const tree = descendants(pid);
      killGroup(pid, 'SIGTERM');
      for (const ref of tree) signalRef(ref, 'SIGTERM');
      // Escalate whether or not the leader exited: members that trapped TERM may remain.
      clock.setTimeout(() => {
        killGroup(pid, 'SIGKILL');
        for (const ref of tree) signalRef(ref, 'SIGKILL');
      }, graceMs);
    };

    const onAbort = () => terminate('aborted');

    const finish = () => {
      if (settled) return;
      settled = true;
      wallTimer?.cancel();
      idleTimer?.cancel();
      drainTimer?.cancel();
      uiTimer?.cancel();
      flushUi();
      req.signal.removeEventListener('abort', onAbort);
      const streamsDone = endedStreams >= 2;
      if (!streamsDone) {
        // A background grandchild still holds the pipes: stop reading. Its group stays
        // registered so the CLI's exit cleanup still reaches it.
        child.stdout?.destroy();
        child.stderr?.destroy();
        if (pid !== undefined) forgetWhenGone(pid);
      } else if (pid !== undefined) unregisterGroup(pid);
      const out = collector.finish();
      const result: ExecResult = {
        end,
        exitCode,
        exitSignal,
        output: out.text,
        truncated: out.truncated,
        totalBytes: out.totalBytes,
      };
      if (out.spillPath) result.spillPath = out.spillPath;
      resolve(result);
    };

    const maybeFinish = () => {
      if (exited && endedStreams >= 2) finish();
    };

    const armIdle = () => {
      idleTimer?.cancel();
      idleTimer = clock.setTimeout(() => terminate('inactivity'), req.inactivityTimeoutMs);
    };

    const finishWithError = (message: string) => {
      if (settled) return;
      settled = true;
      wallTimer?.cancel();
      idleTimer?.cancel();
      req.signal.removeEventListener('abort', onAbort);
      resolve({
        end: 'spawn_error',
        exitCode: null,
        exitSignal: null,
        output: '',
        truncated: false,
        totalBytes: 0,
        error: message,
      });
    };
    // Spawn failures (missing binary or cwd) arrive as 'error' with no pid.
    child.on('error', (err) => {
      if (pid === undefined) finishWithError(err.message);
    });
    if (pid === undefined) return; // 'error' follows

    registerGroup(pid);
    req.onSpawn?.(pid);
    for (const [name, stream] of [
      ['stdout', child.stdout],
      ['stderr', child.stderr],
    ] as const) {
      stream?.on('data', (chunk: Buffer) => {
        if (settled) return;
        const text = collector.push(chunk, name);
        armIdle();
        if (req.onOutput && text) {
          uiPending += text;
          if (uiPending.length > 65_536) uiPending = uiPending.slice(-65_536);
          uiTimer ??= clock.setTimeout(flushUi, intervalMs);
        }
      });
      stream?.on('end', () => {
        endedStreams++;
        maybeFinish();
      });
      stream?.on('error', () => {
        /* destroyed after drain */
      });
    }
    child.on('exit', (code, sig) => {
      exited = true;
      exitCode = code;
      exitSignal = sig;
      wallTimer?.cancel();
      idleTimer?.cancel();
      maybeFinish();
      if (!settled) drainTimer = clock.setTimeout(finish, drainMs);
    });
    wallTimer = clock.setTimeout(() => terminate('timeout'), req.timeoutMs);
    armIdle();
    req.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The real executor. */
export const processExecutor: Executor = { exec: runProcess };
