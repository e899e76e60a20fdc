import { readdirSync, readFileSync } from 'node:fs';

/** A process identified by pid and exact cmdline (pids can be reused; cmdlines make it safe). */
export interface ProcId {
  pid: number;
  cmdline: string;
}

function stat(pid: number): { ppid: number; pgid: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), pgid: Number(rest[2]) };
  } catch {
    return null;
  }
}

function cmdline(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return null;
  }
}

/** Every live process whose pgid is `pgid` or that descends from `root` (walked via /proc). */
export function processTree(root: number): ProcId[] {
  const all = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
  const info = new Map<number, { ppid: number; pgid: number }>();
  for (const p of all) {
    const s = stat(p);
    if (s) info.set(p, s);
  }
  const tree = new Set<number>();
  for (const [p, s] of info) if (s.pgid === root || p === root) tree.add(p);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, s] of info)
      if (!tree.has(p) && tree.has(s.ppid)) {
        tree.add(p);
        grew = true;
      }
  }
  const out: ProcId[] = [];
  for (const p of tree) {
    const c = cmdline(p);
    const st = readStateSafe(p);
    if (c !== null && st !== 'Z') out.push({ pid: p, cmdline: c });
  }
  return out;
}

function readStateSafe(pid: number): string | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

/** Those of `procs` still alive with the same cmdline (zombies count as dead). */
export function survivors(procs: ProcId[]): ProcId[] {
  return procs.filter((p) => cmdline(p.pid) === p.cmdline && readStateSafe(p.pid) !== 'Z');
}
