/**
 * Registry of live tool process groups (RELIABILITY B7 pitfall 5, R17). execa's `cleanup` is
 * ignored for detached children, so tether keeps its own list and the CLI kills every group on
 * SIGINT/SIGTERM/exit. Children are group leaders (`detached: true`), so `kill(-pgid)` reaches
 * the whole group; under bwrap `--unshare-pid` it also takes down the PID namespace.
 */

import { onProcessExit } from '../../util/exit-hooks.js';
import { sweepMarkedProcesses } from './run-marker.js';

const live = new Set<number>();
let exitHookInstalled = false;

/** Sends `signal` to process group `pgid`; false when the group no longer exists. */
export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Records a live group. Installs a last-resort `'exit'` hook once (synchronous SIGKILL). */
export function registerGroup(pgid: number): void {
  live.add(pgid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    onProcessExit(() => killAllToolProcesses('SIGKILL'));
  }
}

/** Forgets a group (it exited and its pipes closed). */
export function unregisterGroup(pgid: number): void {
  live.delete(pgid);
}

/**
 * Keeps a group registered (so exit cleanup still reaches its leftovers) until no process of it
 * is left, then forgets it: a group id held after the group died could be reused by an unrelated
 * process that a later kill would hit. Polls with an unref'd timer every `everyMs`.
 */
export function forgetWhenGone(pgid: number, everyMs = 200): void {
  const timer = setInterval(() => {
    if (!live.has(pgid)) return clearInterval(timer);
    try {
      process.kill(-pgid, 0);
    } catch {
      live.delete(pgid);
      clearInterval(timer);
    }
  }, everyMs);
  timer.unref();
}

/** Process groups currently registered (for tests and diagnostics). */
export function liveGroups(): number[] {
  return [...live];
}

/**
 * Kills every live tool process group and every process that carries this run's marker
 * (see run-marker.ts) with `signal` (default SIGKILL: safe to call from an
 * `'exit'` handler, where nothing asynchronous runs) and forgets them.
 */
export function killAllToolProcesses(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pgid of live) killGroup(pgid, signal);
  if (signal === 'SIGKILL') live.clear();
  // Children that left their group (`setsid`, double fork, `nohup … &`) still carry the marker.
  sweepMarkedProcesses(signal);
}
