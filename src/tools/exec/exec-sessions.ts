/**
 * The exec sessions of one tether process: ids, the running-session bound (the oldest idle one
 * is ended past it, with a notice), the list `/ps` shows, and ending every session — with its
 * whole process tree — on `/new`, at the end of a `--prompt` run and when tether exits.
 */
import { randomInt } from 'node:crypto';
import { onProcessExit } from '../../util/exit-hooks.js';
import { ExecSession, type ExecSpawnSpec } from './exec-session.js';
import { sweepMarkedProcesses } from './run-marker.js';

/** What `/ps` and the status bar show about a session. */
export interface ExecSessionInfo {
  id: number;
  command: string;
  pid: number;
  tty: boolean;
  startedAt: number;
  running: boolean;
  exitCode: number | null;
}

/** A session ended by tether rather than by itself (reported in JSONL at the end of a run). */
export interface EndedSession {
  id: number;
  command: string;
  reason: string;
}

/** Options of {@link ExecSessionManager}. */
export interface ExecSessionManagerOptions {
  /** Most sessions running at once. */
  maxSessions: number;
  /** Unread output kept per session (chars; head + tail). */
  bufferChars: number;
  /** A user-visible notice (a session ended to stay within the bound). */
  onNotice?: (message: string) => void;
}

/** Finished sessions kept for a last read of their output. */
const FINISHED_KEEP = 16;

/** Every manager with sessions: one `'exit'` hook SIGKILLs all their trees. */
const managers = new Set<ExecSessionManager>();
let exitHookInstalled = false;
function trackManager(m: ExecSessionManager): void {
  managers.add(m);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  onProcessExit(() => {
    for (const mm of managers) mm.killAllNow();
  });
}

export class ExecSessionManager {
  private readonly sessions = new Map<number, ExecSession>();
  private readonly listeners = new Set<() => void>();
  /** Markers of sessions already forgotten: their detached children are swept by endAll. */
  private retired: string[] = [];

  constructor(private readonly opts: ExecSessionManagerOptions) {}

  /** Starts a session; returns it and the sessions ended to make room. */
  start(command: string, spec: ExecSpawnSpec): { session: ExecSession; evicted: EndedSession[] } {
    const evicted = this.makeRoom();
    let id = randomInt(1000, 100_000);
    while (this.sessions.has(id)) id = randomInt(1000, 100_000);
    const session = new ExecSession(id, command, spec.tty, spec, this.opts.bufferChars);
    this.sessions.set(id, session);
    session.onEnd(() => this.changed());
    trackManager(this);
    this.changed();
    return { session, evicted };
  }

  private makeRoom(): EndedSession[] {
    const out: EndedSession[] = [];
    // Finished sessions nobody read: keep the newest few.
    const finished = [...this.sessions.values()].filter((s) => s.ended);
    for (const s of finished.slice(0, Math.max(0, finished.length - FINISHED_KEEP))) {
      this.sessions.delete(s.id);
      this.retire(s);
    }
    const running = () => [...this.sessions.values()].filter((s) => !s.ended);
    while (running().length >= this.opts.maxSessions) {
      const oldest = running().sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (!oldest) break;
      const reason = `more than ${this.opts.maxSessions} processes running (execMaxSessions); the least recently used one was ended`;
      this.end(oldest.id, reason);
      out.push({ id: oldest.id, command: oldest.command, reason });
      this.opts.onNotice?.(`ended process ${oldest.id} (${short(oldest.command)}): ${reason}`);
    }
    return out;
  }

  get(id: number): ExecSession | undefined {
    return this.sessions.get(id);
  }

  /** Forgets a finished session after its last output was read. */
  release(id: number): void {
    const s = this.sessions.get(id);
    if (s?.ended) {
      this.sessions.delete(id);
      this.retire(s);
      this.changed();
    }
  }

  /** Running sessions, oldest first. */
  list(): ExecSessionInfo[] {
    return [...this.sessions.values()]
      .filter((s) => !s.ended)
      .map((s) => ({
        id: s.id,
        command: s.command,
        pid: s.pid,
        tty: s.tty,
        startedAt: s.startedAt,
        running: !s.ended,
        exitCode: s.exitCode,
      }));
  }

  /** How many sessions are running. */
  count(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (!s.ended) n++;
    return n;
  }

  /** Ends one session with its tree; false when there is no such running session. */
  end(id: number, _reason = 'ended'): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    const wasRunning = !s.ended;
    s.terminate();
    this.sessions.delete(id);
    this.changed();
    return wasRunning;
  }

  /** Ends every session (SIGTERM, then SIGKILL after the grace); returns those still running. */
  endAll(reason: string): EndedSession[] {
    const out: EndedSession[] = [];
    for (const s of [...this.sessions.values()]) {
      if (!s.ended) out.push({ id: s.id, command: s.command, reason });
      s.terminate();
    }
    // Detached children of sessions that ended on their own (`setsid server &` then exit).
    for (const marker of this.retired.splice(0)) sweepMarkedProcesses('SIGKILL', marker);
    this.sessions.clear();
    managers.delete(this);
    this.changed();
    return out;
  }

  /** Synchronous SIGKILL of every session's tree (process exit). */
  killAllNow(): void {
    for (const s of this.sessions.values()) s.killNow();
    for (const marker of this.retired) sweepMarkedProcesses('SIGKILL', marker);
  }

  private retire(s: ExecSession): void {
    this.retired.push(s.marker);
    // Bounded: the oldest markers go (the tether-wide marker still reaches them at exit).
    if (this.retired.length > 64) this.retired.shift();
  }

  /** Called whenever the set of running sessions changes. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch {
        /* a listener must not break the manager */
      }
    }
  }
}

function short(command: string): string {
  const line = command.split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}
