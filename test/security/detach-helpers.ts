/** Detached-process helpers shared by the process-bounds suites (Linux, /proc). */
import { readdirSync, readFileSync } from 'node:fs';

export function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

/** Live (non-zombie) pids whose argv[0] starts with `<token>-` (set with `exec -a`). */
export function pidsWith(token: string): number[] {
  const out: number[] = [];
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${n}/cmdline`, 'utf8').startsWith(`${token}-`)) out.push(Number(n));
    } catch {
      /* exited */
    }
  }
  return out;
}

export const KINDS = ['nohup', 'setsid', 'double', 'daemon', 'trap', 'unset', 'envi'];

/**
 * Detached children, each renamed `<token>-<how>` (exec -a) so the test can find them; the token
 * is assembled at run time so no shell's own command line contains it. Prints how many started.
 */
export function detachScript(t: string): string {
  return [
    `export T=${t.slice(0, 3)}"${t.slice(3)}"`,
    `nohup bash -c 'exec -a "$T-nohup" sleep 1000' >/dev/null 2>&1 &`,
    `setsid bash -c 'exec -a "$T-setsid" sleep 1000' >/dev/null 2>&1 </dev/null &`,
    `(bash -c 'exec -a "$T-double" sleep 1000' >/dev/null 2>&1 </dev/null &)`,
    `setsid bash -c '(trap "" TERM HUP INT; exec -a "$T-daemon" sleep 1000) >/dev/null 2>&1 </dev/null &' </dev/null >/dev/null 2>&1`,
    `bash -c 'trap "" TERM HUP INT; exec -a "$T-trap" sleep 1000' >/dev/null 2>&1 </dev/null &`,
    // Without the marker: only the PID namespace (or the sandbox's) holds these.
    `(unset TETHER_RUN_ID; setsid bash -c 'exec -a "$T-unset" sleep 1000' >/dev/null 2>&1 </dev/null &)`,
    `env -i T="$T" setsid /bin/bash -c '(trap "" TERM HUP INT; exec -a "$T-envi" sleep 1000) &' >/dev/null 2>&1 </dev/null`,
    'disown -a',
    `for i in $(seq 100); do n=$(pgrep -c -f "^$T-"); [ "$n" -ge ${KINDS.length} ] && break; sleep 0.05; done`,
    'echo "started=$n"',
  ].join('\n');
}

export async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}
