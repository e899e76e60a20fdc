/**
 * Security §8: no process a tool call starts outlives tether — normal exit, SIGINT, SIGTERM and
 * the run timeout — including children that detach with `nohup`, `&`, `setsid`, a double fork,
 * or that ignore SIGTERM. Driven through the built CLI (`tether -p`) against the simulator, with
 * the sandbox off (the marker sweep alone must hold) and, when bubblewrap runs, on.
 * Linux only (reads /proc). Needs `npm run build`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { requireBuild, runTether, tempDir } from '../agent/cli-harness.js';
import { bwrapStatus, requireSandboxInCi } from './sandbox-ci.js';

let sim: Simulator;
let bwrap = { ok: false, reason: '' };
const tokens: string[] = [];

beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: 'tool-loop-20', seed: 3 });
  bwrap = await bwrapStatus();
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  // Never leak a test's processes, whatever the outcome.
  for (const t of tokens.splice(0)) for (const pid of pidsWith(t)) tryKill(pid);
});

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

/** Live (non-zombie) pids whose argv[0] starts with `<token>-` (set with `exec -a`). */
function pidsWith(token: string): number[] {
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

/**
 * Detached children, each renamed `<token>-<how>` (exec -a) so the test can find them; the token
 * is assembled at run time so no shell's own command line contains it. Prints how many started.
 */
function detachScript(t: string): string {
  return [
    `export T=${t.slice(0, 3)}"${t.slice(3)}"`,
    `nohup bash -c 'exec -a "$T-nohup" sleep 1000' >/dev/null 2>&1 &`,
    `setsid bash -c 'exec -a "$T-setsid" sleep 1000' >/dev/null 2>&1 </dev/null &`,
    `(bash -c 'exec -a "$T-double" sleep 1000' >/dev/null 2>&1 </dev/null &)`,
    `setsid bash -c '(trap "" TERM HUP INT; exec -a "$T-daemon" sleep 1000) >/dev/null 2>&1 </dev/null &' </dev/null >/dev/null 2>&1`,
    `bash -c 'trap "" TERM HUP INT; exec -a "$T-trap" sleep 1000' >/dev/null 2>&1 </dev/null &`,
    'disown -a',
    'for i in $(seq 100); do n=$(pgrep -c -f "^$T-"); [ "$n" -ge 5 ] && break; sleep 0.05; done',
    'echo "started=$n"',
  ].join('\n');
}
const KINDS = ['nohup', 'setsid', 'double', 'daemon', 'trap'];

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

type Ending = 'exit' | 'SIGINT' | 'SIGTERM' | 'timeout';
type Case = { ending: Ending; sandbox: 'off' | 'on'; code: number };
const CASES: Case[] = [];
for (const sandbox of ['off', 'on'] as const)
  for (const [ending, code] of [
    ['exit', 0],
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['timeout', 5],
  ] as const)
    CASES.push({ ending, sandbox, code });

describe.skipIf(process.platform !== 'linux')('security: tool processes never outlive tether', () => {
  for (const { ending, sandbox, code } of CASES)
    it(`${ending} with sandbox ${sandbox}: every detached child is gone`, async (ctx) => {
      if (sandbox === 'on' && !bwrap.ok) {
        requireSandboxInCi('process bounds with the sandbox on', bwrap.reason, () => ctx.skip());
        return;
      }
      const t = `tb${Math.random().toString(36).slice(2, 10)}`;
      tokens.push(t);
      const fg = ending === 'exit' ? '' : 'exec -a "$T-fg" sleep 1000';
      sim.setScenario({
        name: `bounds-${ending}`,
        turns: [
          {
            steps: [
              { call: { tool: 'shell', args: { command: `${detachScript(t)}\n${fg}` } } },
              { say: 'all started' },
            ],
          },
        ],
      });
      const ws = tempDir('tether-bounds-ws-');
      let seen: number[] = [];
      const want = ending === 'exit' ? KINDS.length : KINDS.length + 1;
      const args = ['-p', 'start things', '-a', 'full-auto', '--sandbox', sandbox, '--json'];
      if (ending === 'timeout') args.push('--timeout', '3');
      args.push('--base-url', sim.url, '-C', ws);
      const r = await runTether(args, {
        timeoutMs: 40_000,
        onLine: (line, child) => {
          if (!line.includes('"item.started"') || !line.includes('command_execution')) return;
          if (ending !== 'SIGINT' && ending !== 'SIGTERM') return;
          void until(() => pidsWith(t).length >= want, 10_000).then(() => {
            seen = pidsWith(t);
            child.kill(ending);
          });
        },
      });
      if (ending === 'exit') expect(r.stdout, 'all five children started').toContain('started=5');
      if (ending === 'SIGINT' || ending === 'SIGTERM')
        expect(seen.length, `children seen before ${ending}`).toBeGreaterThanOrEqual(want);
      expect(r.code, r.stderr).toBe(code);
      const gone = await until(() => pidsWith(t).length === 0, 3_000);
      const left = pidsWith(t).map((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' '));
      expect(gone, `survivors: ${left.join(' | ')}`).toBe(true);
    }, 60_000);
});
