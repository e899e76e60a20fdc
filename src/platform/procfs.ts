/**
 * Linux procfs, read synchronously (callers include `'exit'` handlers, where nothing
 * asynchronous runs). Off Linux every reader returns "nothing" rather than failing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isLinux } from './host.js';

/** The pids procfs lists ([] off Linux or when /proc cannot be read). */
export function listPids(): number[] {
  if (!isLinux()) return [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const n of names) {
    const c = n.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(n);
    if (Number.isInteger(pid)) out.push(pid);
  }
  return out;
}

/** A process's NUL-separated environment block, or null (gone, not ours to read, not Linux). */
export function readEnviron(pid: number): string | null {
  if (!isLinux()) return null;
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return null;
  }
}

/** Parent pid and start time (clock ticks since boot, field 22) of a process, or null. */
export function readStat(pid: number): { ppid: number; start: string; state: string } | null {
  if (!isLinux()) return null;
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // After the comm field: state(0) ppid(1) … starttime is field 22 overall → index 19 here.
    return { ppid: Number(f[1]), start: f[19] ?? '', state: f[0] ?? '' };
  } catch {
    return null;
  }
}

/** A sysctl under /proc/sys (`kernel/unprivileged_userns_clone`), trimmed, or undefined. */
export function readSysctl(name: string): string | undefined {
  if (!isLinux()) return undefined;
  try {
    return readFileSync(`/proc/sys/${name}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The text of /proc/net/unix (path-bound sockets the kernel knows), or '' when unreadable. */
export function readProcNetUnix(path = '/proc/net/unix'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Host-wide procfs entries a uid-0 sandbox could write without capabilities. */
export const PROC_HOST_KNOBS: readonly string[] = [
  'sys',
  'sysrq-trigger',
  'irq',
  'bus',
  'fs',
  'acpi',
  'driver',
  'scsi',
  'mtrr',
  'timer_list',
];

/** Whether `O_PATH` directory fallbacks (`/proc/self/fd/N/…`) can be used here. */
export function hasProcSelfFd(): boolean {
  return isLinux();
}
