/**
 * Security §8: no process a tool call starts outlives tether — normal exit, SIGINT, SIGTERM, the
 * run timeout and SIGKILL of tether itself — including children that detach with `nohup`, `&`,
 * `setsid`, a double fork, that ignore SIGTERM, or that drop the run marker first
 * (`unset TETHER_RUN_ID`, `env -i`). Driven through the built CLI (`tether -p`) against the simulator, with
 * the sandbox off (the marker sweep alone must hold) and, when bubblewrap runs, on.
 * Linux only (reads /proc). Needs `npm run build`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probePidNamespace } from '../../src/platform/pid-namespace.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { requireBuild, runTether, tempDir } from '../agent/cli-harness.js';
import { detachScript, KINDS, pidsWith, tryKill, until } from './detach-helpers.js';
import { bwrapStatus, requireSandboxInCi } from './sandbox-ci.js';

let sim: Simulator;
let bwrap = { ok: false, reason: '' };
let pidns: { ok: boolean; reason: string } = { ok: false, reason: '' };
const tokens: string[] = [];

beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: 'tool-loop-20', seed: 3 });
  bwrap = await bwrapStatus();
  const p = await probePidNamespace();
  pidns = p.ok ? { ok: true, reason: '' } : { ok: false, reason: p.reason };
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  // Never leak a test's processes, whatever the outcome.
  for (const t of tokens.splice(0)) for (const pid of pidsWith(t)) tryKill(pid);
});

type Ending = 'exit' | 'SIGINT' | 'SIGTERM' | 'timeout' | 'SIGKILL';
type Case = { ending: Ending; sandbox: 'off' | 'on'; code: number | null };
const CASES: Case[] = [];
for (const sandbox of ['off', 'on'] as const)
  for (const [ending, code] of [
    ['exit', 0],
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['timeout', 5],
    ['SIGKILL', null],
  ] as const)
    CASES.push({ ending, sandbox, code });

describe.skipIf(process.platform !== 'linux')('security: tool processes never outlive tether', () => {
  for (const { ending, sandbox, code } of CASES)
    it(`${ending} with sandbox ${sandbox}: every detached child is gone`, async (ctx) => {
      if (sandbox === 'on' && !bwrap.ok) {
        requireSandboxInCi('process bounds with the sandbox on', bwrap.reason, () => ctx.skip());
        return;
      }
      // Without the sandbox, marker-less and SIGKILL cases rest on the PID namespace (bubblewrap).
      if (sandbox === 'off' && !pidns.ok) {
        requireSandboxInCi('process bounds in a PID namespace', pidns.reason, () => ctx.skip());
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
          if (ending !== 'SIGINT' && ending !== 'SIGTERM' && ending !== 'SIGKILL') return;
          void until(() => pidsWith(t).length >= want, 10_000).then(() => {
            seen = pidsWith(t);
            child.kill(ending);
          });
        },
      });
      if (ending === 'exit') expect(r.stdout, 'all children started').toContain(`started=${KINDS.length}`);
      if (ending === 'SIGINT' || ending === 'SIGTERM' || ending === 'SIGKILL')
        expect(seen.length, `children seen before ${ending}`).toBeGreaterThanOrEqual(want);
      if (code === null) expect(r.signal, r.stderr).toBe('SIGKILL');
      else expect(r.code, r.stderr).toBe(code);
      const gone = await until(() => pidsWith(t).length === 0, 3_000);
      const left = pidsWith(t).map((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' '));
      expect(gone, `survivors: ${left.join(' | ')}`).toBe(true);
    }, 60_000);
});
