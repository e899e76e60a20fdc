/**
 * Leak probes for chaos sessions: child processes of this process (a `/proc` scan, never a
 * name match), live tool process groups, open sockets/servers/child handles, and heap size.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { liveGroups } from '../../src/tools/index.js';

/** Pids whose parent is this process (zombies included until reaped). */
export function childPids(): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out; // not Linux: nothing to scan
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command, which may contain spaces.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === process.pid) out.push(Number(name));
    } catch {
      /* exited while scanning */
    }
  }
  return out;
}

/** Counts of the handle kinds a leak would show up in (sockets, servers, child processes). */
export function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (
      kind === 'TCPSocketWrap' ||
      kind === 'TCPServerWrap' ||
      kind === 'ProcessWrap' ||
      kind === 'PipeWrap'
    ) {
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  }
  return counts;
}

/** What leaked after a session, compared with a baseline taken before it. */
export interface LeakReport {
  childPids: number[];
  toolGroups: number[];
  /** Handle kinds above the baseline, with the excess. */
  handles: Record<string, number>;
}

/** True when the report shows no leak. */
export function isClean(r: LeakReport): boolean {
  return r.childPids.length === 0 && r.toolGroups.length === 0 && Object.keys(r.handles).length === 0;
}

function excess(base: Record<string, number>, now: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(now)) {
    const d = v - (base[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

/**
 * Polls (up to `graceMs`) until no child process, tool group or extra handle remains; returns
 * what is still there at the end. Closing sockets and reaping children take a few ticks.
 */
export async function waitForNoLeaks(baseline: Record<string, number>, graceMs = 5000): Promise<LeakReport> {
  const t0 = Date.now();
  for (;;) {
    const report: LeakReport = {
      childPids: childPids(),
      toolGroups: liveGroups(),
      handles: excess(baseline, handleCounts()),
    };
    if (isClean(report) || Date.now() - t0 > graceMs) return report;
    await new Promise((r) => setTimeout(r, 20));
  }
}

let gcFn: (() => void) | null | undefined;

/** A full-GC function: the global one under `--expose-gc`, else one obtained via the V8 flag. */
function getGc(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  const global = (globalThis as { gc?: () => void }).gc;
  if (global) {
    gcFn = global;
    return gcFn;
  }
  try {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/** Heap used (bytes) after a full GC (measured without GC when none is available). */
export function heapUsed(): number {
  const gc = getGc();
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}
