/**
 * Security §8 for `exec_command` sessions (codex tool profile), with and without a terminal:
 * a session still running when the `--prompt` run ends, or when tether is SIGKILLed, leaves no
 * process behind — detached children included, also those that dropped TETHER_RUN_ID. Driven
 * through the built CLI against the simulator, sandbox off (PID namespace) and on.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probePidNamespace } from '../../src/platform/pid-namespace.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { loadPty } from '../../src/tools/exec/pty.js';
import { requireBuild, runTether, tempDir } from '../agent/cli-harness.js';
import { detachScript, KINDS, pidsWith, tryKill, until } from './detach-helpers.js';
import { bwrapStatus, requireSandboxInCi } from './sandbox-ci.js';

let sim: Simulator;
let bwrap = { ok: false, reason: '' };
let pidns = { ok: false, reason: '' };
let ptyOk = false;
const tokens: string[] = [];

beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: 'tool-loop-20', seed: 4 });
  bwrap = await bwrapStatus();
  const p = await probePidNamespace();
  pidns = p.ok ? { ok: true, reason: '' } : { ok: false, reason: p.reason };
  ptyOk = typeof (await loadPty()) !== 'string';
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  for (const t of tokens.splice(0)) for (const pid of pidsWith(t)) tryKill(pid);
});

const CASES: Array<{ sandbox: 'off' | 'on'; tty: boolean; ending: 'exit' | 'SIGKILL' }> = [];
for (const sandbox of ['off', 'on'] as const)
  for (const tty of [false, true])
    for (const ending of ['exit', 'SIGKILL'] as const) CASES.push({ sandbox, tty, ending });

describe.skipIf(process.platform !== 'linux')('security: exec_command sessions never outlive tether', () => {
  for (const { sandbox, tty, ending } of CASES)
    it(`${ending}, tty ${tty}, sandbox ${sandbox}: nothing survives`, async (ctx) => {
      const need = sandbox === 'on' ? bwrap : pidns;
      if (!need.ok) {
        requireSandboxInCi(`exec_command bounds (sandbox ${sandbox})`, need.reason, () => ctx.skip());
        return;
      }
      if (tty && !ptyOk) return ctx.skip(); // the pty module is optional (README)
      const t = `te${Math.random().toString(36).slice(2, 10)}`;
      tokens.push(t);
      const cmd = `${detachScript(t)}\nexec -a "$T-fg" sleep 1000`;
      sim.setScenario({
        name: `exec-bounds-${ending}`,
        turns: [
          {
            steps: [
              {
                call: {
                  tool: 'exec_command',
                  args: {
                    cmd,
                    workdir: null,
                    yield_time_ms: 4000,
                    max_output_tokens: null,
                    tty,
                    login: null,
                    shell: null,
                  },
                },
              },
              { say: 'left it running' },
            ],
          },
        ],
      });
      const want = KINDS.length + 1;
      let seen: number[] = [];
      const ws = tempDir('tether-exec-bounds-ws-');
      const r = await runTether(
        ['-p', 'start', '-a', 'full-auto', '--sandbox', sandbox, '--json', '--base-url', sim.url, '-C', ws],
        {
          env: { TETHER_TOOL_PROFILE: 'codex' },
          timeoutMs: 40_000,
          onLine: (line, child) => {
            if (ending !== 'SIGKILL' || !line.includes('"item.started"')) return;
            void until(() => pidsWith(t).length >= want, 10_000).then(() => {
              seen = pidsWith(t);
              child.kill('SIGKILL');
            });
          },
        },
      );
      if (ending === 'SIGKILL') {
        expect(seen.length, 'children seen before SIGKILL').toBeGreaterThanOrEqual(want);
        expect(r.signal).toBe('SIGKILL');
      } else {
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain(`started=${KINDS.length}`);
      }
      const gone = await until(() => pidsWith(t).length === 0, 3_000);
      const left = pidsWith(t).map((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' '));
      expect(gone, `survivors: ${left.join(' | ')}`).toBe(true);
    }, 60_000);
});
