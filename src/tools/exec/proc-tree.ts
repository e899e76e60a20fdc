/**
 * Descendant discovery through /proc (Linux), so a cancel also reaches children that left the
 * process group with `setsid` (gemini walks `pgrep -P` for the same reason). Each pid is kept
 * with its start time, so a later SIGKILL never hits a recycled pid. A double-forked daemon
 * reparented to init escapes this walk; the PID namespace every tool command runs in
 * (the sandbox's, or platform/pid-namespace.ts) covers that case.
 */
import { listPids, readStat } from '../../platform/procfs.js';

/** A process identity that survives pid reuse checks. */
export interface ProcRef {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  start: string;
}

/** All live descendants of `root` (not including it). Empty off Linux or on error. */
export function descendants(root: number): ProcRef[] {
  const children = new Map<number, ProcRef[]>();
  for (const pid of listPids()) {
    const st = readStat(pid);
    if (!st) continue;
    const list = children.get(st.ppid) ?? [];
    list.push({ pid, start: st.start });
    children.set(st.ppid, list);
  }
  const out: ProcRef[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      queue.push(c.pid);
    }
  }
  return out;
}

/** Signals `ref` only if it is still the same process. */
export function signalRef(ref: ProcRef, signal: NodeJS.Signals): void {
  const st = readStat(ref.pid);
  if (!st || st.start !== ref.start) return;
  try {
    process.kill(ref.pid, signal);
  } catch {
    /* exited meanwhile */
  }
}
