/**
 * Every process a tool call starts carries `TETHER_RUN_ID=<random id of this tether process>` in
 * its environment, and children inherit it through `nohup`, `&`, `setsid` and double forks. At
 * cleanup {@link sweepMarkedProcesses} scans `/proc/<pid>/environ` for the marker and kills what
 * is left, so nothing a tool call started outlives tether. Linux only (the one place that reads
 * `/proc` for this); elsewhere the sweep finds nothing and cleanup relies on process groups, so a
 * child that leaves its group (`setsid`, a double fork) can outlive tether there.
 *
 * Limits: a process that rewrites or clears its environment (`env -i`, `exec -c`) loses the
 * marker; a non-root tether cannot read the environment of a non-dumpable process (`ssh-agent`
 * marks itself so). Every tool command is therefore also confined to a PID namespace that dies
 * with it and with tether (the sandbox's, or platform/pid-namespace.ts without the sandbox), which
 * covers both; this sweep is the second layer, and the only one where no namespace can be made.
 */
import { randomBytes } from 'node:crypto';
import { isLinux } from '../../platform/host.js';
import { listPids, readEnviron } from '../../platform/procfs.js';

/** The marker variable's name. */
export const RUN_ID_VAR = 'TETHER_RUN_ID';

const RUN_ID = randomBytes(8).toString('hex');

/** This tether process's run id. */
export function runId(): string {
  return RUN_ID;
}

/**
 * The marker for a child environment derived from `env`: this run's id appended to any inherited
 * ids (`a:b`), so a tether started from another tether's shell keeps the outer marker and both
 * sweeps reach its children.
 */
export function markerEnv(env: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const ids = (env[RUN_ID_VAR] ?? '').split(':').filter((s) => /^[0-9a-f]{16}$/.test(s));
  if (!ids.includes(RUN_ID)) ids.push(RUN_ID);
  return { [RUN_ID_VAR]: ids.join(':') };
}

/** Whether a NUL-separated environment block carries `id`'s marker. Pure. */
export function environHasMarker(environ: string, id: string = RUN_ID): boolean {
  const prefix = `${RUN_ID_VAR}=`;
  for (const entry of environ.split('\0')) {
    if (entry.startsWith(prefix) && entry.slice(prefix.length).split(':').includes(id)) return true;
  }
  return false;
}

/** Live processes (not tether itself) whose environment carries the marker of `id`. [] off Linux. */
export function markedProcesses(id: string = RUN_ID): number[] {
  const out: number[] = [];
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    const environ = readEnviron(pid); // null: gone, or not ours to read
    if (environ?.includes(RUN_ID_VAR) && environHasMarker(environ, id)) out.push(pid);
  }
  return out;
}

function send(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signals every live marked process and returns how many were found. SIGKILL first freezes them
 * (SIGSTOP, repeated until no new marked process appears, so a forking loop cannot outrun the
 * sweep), then kills them all. Other signals are sent once, followed by SIGCONT so a stopped
 * process sees them. Synchronous: safe in an `'exit'` handler.
 */
export function sweepMarkedProcesses(signal: NodeJS.Signals = 'SIGKILL', id: string = RUN_ID): number {
  if (!isLinux()) return 0;
  if (signal !== 'SIGKILL') {
    const pids = markedProcesses(id);
    for (const pid of pids) if (send(pid, signal)) send(pid, 'SIGCONT');
    return pids.length;
  }
  const seen = new Set<number>();
  for (let pass = 0; pass < 20; pass++) {
    let fresh = 0;
    for (const pid of markedProcesses(id)) {
      if (seen.has(pid)) continue;
      seen.add(pid);
      fresh++;
      send(pid, 'SIGSTOP');
    }
    if (fresh === 0) break;
  }
  for (const pid of seen) send(pid, 'SIGKILL');
  // A process forked between the last scan and its parent's SIGSTOP is caught here.
  for (const pid of markedProcesses(id)) if (!seen.has(pid) && send(pid, 'SIGKILL')) seen.add(pid);
  return seen.size;
}
