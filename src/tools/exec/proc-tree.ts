/**
 * Descendant discovery through /proc (Linux), so a cancel also reaches children that left the
 * process group with `setsid` (gemini walks `pgrep -P` for the same reason). Each pid is kept
 * with its start time, so a later SIGKILL never hits a recycled pid. A double-forked daemon
 * reparented to init escapes this walk; the bwrap sandbox's PID namespace covers that case.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A process identity that survives pid reuse checks. */
export interface ProcRef {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  start: string;
}

function readStat(pid: number): { ppid: number; start: string } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // After the comm field: state(0) ppid(1) … starttime is field 22 overall → index 19 here.
    return { ppid: Number(f[1]), start: f[19] ?? '' };
  } catch {
    return null;
  }
}

/** All live descendants of `root` (not including it). Empty off Linux or on error. */
export function descendants(root: number): ProcRef[] {
  if (process.platform !== 'linux') return [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, ProcRef[]>();
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const pid = Number(n);
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
