/**
 * One long-running process of `exec_command` (Codex's "unified exec"): started with pipes or
 * under a pseudo-terminal, its own process group, output decoded and buffered until the model
 * reads it (bounded: head + tail of what was not read yet), input written on request, and ended
 * with its whole tree (setsid children included) on request or when tether exits.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { SpillWriter } from '../spill.js';
import { HEAD_SHARE } from '../truncate.js';
import { descendants, type ProcRef, signalRef } from './proc-tree.js';
import { forgetWhenGone, killGroup, registerGroup, unregisterGroup } from './process-registry.js';
import type { IPty, loadPty } from './pty.js';
import { markerEnv, RUN_ID_VAR, sweepMarkedProcesses } from './run-marker.js';

/** What to start. */
export interface ExecSpawnSpec {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  tty: boolean;
  /** The node-pty module (required when `tty`). */
  pty?: Exclude<Awaited<ReturnType<typeof loadPty>>, string>;
  /**
   * Once the output passes `maxChars`, all of it (from the start) goes to a spill file the model
   * can read, as for `shell`; below that nothing is written.
   */
  spill?: { dir: string; maxChars: number };
}

/** Output not read yet, bounded: a head and a tail with a count of what was dropped between. */
export class PendingOutput {
  private head = '';
  private tail = '';
  private omitted = 0;
  private readonly headCap: number;
  private readonly tailCap: number;

  constructor(cap: number) {
    this.headCap = Math.floor(cap * HEAD_SHARE);
    this.tailCap = cap - this.headCap;
  }

  push(text: string): void {
    if (this.omitted === 0 && this.tail === '' && this.head.length < this.headCap) {
      const room = this.headCap - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    if (text === '') return;
    this.tail += text;
    if (this.tail.length > this.tailCap * 2) this.trim();
  }

  private trim(): void {
    const drop = this.tail.length - this.tailCap;
    this.omitted += drop;
    this.tail = this.tail.slice(drop);
  }

  get size(): number {
    return this.head.length + this.tail.length;
  }

  /** Takes everything buffered (and resets). */
  take(): { head: string; tail: string; omitted: number } {
    if (this.tail.length > this.tailCap) this.trim();
    const out = { head: this.head, tail: this.tail, omitted: this.omitted };
    this.head = '';
    this.tail = '';
    this.omitted = 0;
    return out;
  }
}

// C0 controls other than \t \n \r and ESC, and DEL: binary noise the model cannot use.
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f]/g;

/** A running (or finished) exec session. */
export class ExecSession {
  readonly startedAt = Date.now();
  lastUsed = Date.now();
  exitCode: number | null = null;
  exitSignal: string | null = null;
  /** The process exited and its output was drained. */
  ended = false;
  /** Bytes received in total. */
  totalBytes = 0;
  /** Control bytes replaced by U+FFFD (binary output). */
  replacedControls = 0;
  readonly pid: number;
  private readonly pending: PendingOutput;
  private readonly waiters = new Set<() => void>();
  private readonly ptyProc: IPty | null = null;
  private readonly child: ReturnType<typeof spawn> | null = null;
  private readonly decoder = new StringDecoder('utf8');
  private readonly endListeners = new Set<() => void>();
  private readonly textListeners = new Set<(text: string) => void>();
  private readonly spillSpec: { dir: string; maxChars: number } | undefined;
  private early: string[] = [];
  private earlyChars = 0;
  private spillWriter: SpillWriter | null = null;
  private spillFailed = false;
  /** The spill file with this process's whole output, once it outgrew the reply budget. */
  get spillPath(): string | undefined {
    return this.spillWriter?.path;
  }
  private killTimer: NodeJS.Timeout | undefined;
  /**
   * This session's own run marker (run-marker.ts), next to the tether-wide one: every process of
   * the session carries it, so ending the session sweeps its detached children too (a `setsid`
   * or double-forked child that left the group and the parent chain), and nothing else.
   */
  readonly marker = randomBytes(8).toString('hex');

  constructor(
    readonly id: number,
    readonly command: string,
    readonly tty: boolean,
    spec: ExecSpawnSpec,
    bufferChars: number,
  ) {
    this.pending = new PendingOutput(bufferChars);
    this.spillSpec = spec.spill;
    const env = { ...spec.env, [RUN_ID_VAR]: `${markerEnv(spec.env)[RUN_ID_VAR]}:${this.marker}` };
    if (tty) {
      if (!spec.pty) throw new Error('tty requested without a pty module');
      const p = spec.pty.spawn(spec.file, spec.args, {
        name: 'xterm-256color',
        cols: 120,
        rows: 40,
        cwd: spec.cwd,
        env: { ...env, TERM: 'xterm-256color' },
      });
      this.ptyProc = p;
      this.pid = p.pid;
      registerGroup(p.pid);
      p.onData((d) => this.onText(d, Buffer.byteLength(d)));
      p.onExit(({ exitCode, signal }) => {
        // node-pty reports the signal number; the output is flushed before onExit.
        this.onExit(signal ? null : exitCode, signal ? `signal ${signal}` : null, true);
      });
      return;
    }
    const child = spawn(spec.file, spec.args, {
      cwd: spec.cwd,
      env,
      detached: true,
      // No terminal, no stdin (as Codex): a program that reads stdin when it is not a terminal
      // (`rg pattern`, `cat`, `grep x`) would otherwise wait for input that never comes.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) {
      // Spawn errors (missing binary or cwd) arrive asynchronously; report synchronously instead.
      child.on('error', () => undefined);
      throw new Error(`cannot start ${spec.file}`);
    }
    this.child = child;
    this.pid = child.pid;
    registerGroup(child.pid);
    let openStreams = 2;
    let exited = false;
    let drainTimer: NodeJS.Timeout | undefined;
    const maybeEnd = () => {
      if (exited && openStreams === 0) {
        clearTimeout(drainTimer);
        this.finish(true);
      }
    };
    for (const s of [child.stdout, child.stderr]) {
      s?.on('data', (c: Buffer) => this.onText(this.decoder.write(c), c.length));
      s?.on('end', () => {
        openStreams--;
        maybeEnd();
      });
      s?.on('error', () => undefined);
    }
    child.on('exit', (code, sig) => {
      exited = true;
      this.exitCode = code;
      this.exitSignal = sig;
      maybeEnd();
      // A background grandchild can hold the pipes open for ever: stop waiting after a drain.
      if (!this.ended) drainTimer = setTimeout(() => this.finish(false), 250).unref();
    });
  }

  private onText(text: string, bytes: number): void {
    this.totalBytes += bytes;
    if (!text) return;
    const clean = text.replace(CONTROL_RE, () => {
      this.replacedControls++;
      return '\uFFFD';
    });
    this.pending.push(clean);
    this.toSpill(clean);
    for (const l of this.textListeners) l(clean);
    this.wake();
  }

  private toSpill(text: string): void {
    if (!this.spillSpec || this.spillFailed) return;
    if (this.spillWriter) {
      this.spillWriter.write(Buffer.from(text, 'utf8'));
      return;
    }
    this.early.push(text);
    this.earlyChars += text.length;
    if (this.earlyChars <= this.spillSpec.maxChars) return;
    try {
      this.spillWriter = new SpillWriter(this.spillSpec.dir, 'exec_command');
      for (const t of this.early) this.spillWriter.write(Buffer.from(t, 'utf8'));
    } catch {
      this.spillFailed = true;
    }
    this.early = [];
  }

  /** Live output while a tool call waits on this session (the UI's tool card); returns unsubscribe. */
  watch(listener: (text: string) => void): () => void {
    this.textListeners.add(listener);
    return () => this.textListeners.delete(listener);
  }

  private onExit(code: number | null, signal: string | null, drained: boolean): void {
    this.exitCode = code;
    this.exitSignal = signal;
    this.finish(drained);
  }

  private finish(drained: boolean): void {
    if (this.ended) return;
    this.ended = true;
    const rest = this.decoder.end();
    if (rest) this.onText(rest, 0);
    this.spillWriter?.close();
    this.early = [];
    if (drained) unregisterGroup(this.pid);
    else {
      this.child?.stdout?.destroy();
      this.child?.stderr?.destroy();
      forgetWhenGone(this.pid);
    }
    this.wake();
    for (const l of this.endListeners) l();
  }

  /** Called once when the process has ended. */
  onEnd(listener: () => void): void {
    if (this.ended) listener();
    else this.endListeners.add(listener);
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves after `ms`, or earlier when the process ends or `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.ended || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const check = () => {
        if (this.ended) done();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(check);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Everything buffered since the last read. */
  take(): { head: string; tail: string; omitted: number } {
    return this.pending.take();
  }

  /**
   * Writes model input to the terminal. A session without one has no stdin: Ctrl-C (\u0003)
   * still interrupts it (SIGINT to its process group, as a terminal would); other text is not
   * delivered and the result says so.
   */
  write(chars: string): { delivered: boolean } {
    this.lastUsed = Date.now();
    if (this.ended || chars === '') return { delivered: chars === '' };
    if (this.ptyProc) {
      this.ptyProc.write(chars);
      return { delivered: true };
    }
    if (chars.includes('\u0003')) killGroup(this.pid, 'SIGINT');
    return { delivered: chars.replace(/\u0003/g, '') === '' };
  }

  /** Ends the process and every descendant: SIGTERM, then SIGKILL after `graceMs`. */
  terminate(graceMs = 2_000): void {
    const tree: ProcRef[] = descendants(this.pid);
    killGroup(this.pid, 'SIGTERM');
    for (const ref of tree) signalRef(ref, 'SIGTERM');
    sweepMarkedProcesses('SIGTERM', this.marker);
    clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => {
      killGroup(this.pid, 'SIGKILL');
      for (const ref of tree) signalRef(ref, 'SIGKILL');
      sweepMarkedProcesses('SIGKILL', this.marker);
    }, graceMs).unref();
  }

  /** Synchronous SIGKILL of the process and its descendants (exit paths). */
  killNow(): void {
    const tree = descendants(this.pid);
    killGroup(this.pid, 'SIGKILL');
    for (const ref of tree) signalRef(ref, 'SIGKILL');
    sweepMarkedProcesses('SIGKILL', this.marker);
  }
}
