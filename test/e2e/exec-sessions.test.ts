/**
 * exec_command sessions through the built CLI (`tether -p`, codex tool profile) against the
 * simulator: a background process started by the model — with nohup, setsid and double-forked
 * children — is gone after every way a run can end (normal end, SIGINT, SIGTERM, --timeout), and
 * a normal end reports it in a `processes.ended` JSONL line. A profile's secret never reaches it.
 * Linux only (reads /proc). Needs `npm run build`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { parseJsonl, requireBuild, runTether, tempDir } from '../agent/cli-harness.js';

let sim: Simulator;
const tokens: string[] = [];

beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: 'tool-loop-20', seed: 5 });
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  for (const t of tokens.splice(0))
    for (const pid of pidsWith(t)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
});

/** Live pids whose argv[0] starts with `<token>-` (set with `exec -a`). */
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

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

/** A "server" with detached helpers, each renamed `<token>-<how>`; it keeps running. */
function serverScript(t: string): string {
  return [
    `export T=${t.slice(0, 3)}"${t.slice(3)}"`,
    `nohup bash -c 'exec -a "$T-nohup" sleep 1000' >/dev/null 2>&1 &`,
    `setsid bash -c 'exec -a "$T-setsid" sleep 1000' >/dev/null 2>&1 </dev/null &`,
    `(bash -c 'exec -a "$T-double" sleep 1000' >/dev/null 2>&1 </dev/null &)`,
    'echo "key=[$OPENAI_API_KEY] server up"',
    'exec -a "$T-server" sleep 1000',
  ].join('\n');
}

type Ending = 'exit' | 'SIGINT' | 'SIGTERM' | 'timeout';
const CASES: Array<[Ending, number]> = [
  ['exit', 0],
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['timeout', 5],
];

describe.skipIf(process.platform !== 'linux')('e2e: exec_command sessions never outlive the run', () => {
  for (const [ending, code] of CASES)
    it(`${ending}: the background server and its detached children are gone`, async () => {
      const t = `te${Math.random().toString(36).slice(2, 10)}`;
      tokens.push(t);
      const steps: Array<Record<string, unknown>> = [
        { call: { tool: 'shell', args: { command: serverScript(t), yield_time_ms: 1500 } } },
      ];
      // For the signal/timeout endings the run stays busy in a second, foreground command.
      if (ending !== 'exit')
        steps.push({ call: { tool: 'shell', args: { command: 'sleep 30', yield_time_ms: 30000 } } });
      steps.push({ say: 'server started' });
      sim.setScenario({ name: `exec-${ending}`, turns: [{ steps }] });
      const ws = tempDir('tether-exec-ws-');
      const home = tempDir('tether-exec-home-');
      writeFileSync(
        join(home, '.bash_profile'),
        'export OPENAI_API_KEY=sk-profile-secret-0123456789abcdefXY\n',
      );
      const args = ['-p', 'start the server', '-a', 'full-auto', '--sandbox', 'off', '--output', 'jsonl'];
      if (ending === 'timeout') args.push('--timeout', '4');
      args.push('--base-url', sim.url, '-C', ws);
      let seen: number[] = [];
      const r = await runTether(args, {
        timeoutMs: 40_000,
        env: { HOME: home, SHELL: '/bin/bash', TETHER_TOOL_PROFILE: 'codex' },
        onLine: (line, child) => {
          if (!line.includes('"item.completed"') || !line.includes('server up')) return;
          void until(() => pidsWith(t).length >= 4, 10_000).then(() => {
            seen = pidsWith(t);
            if (ending === 'SIGINT' || ending === 'SIGTERM') child.kill(ending);
          });
        },
      });
      const lines = parseJsonl(r.stdout);
      const started = lines.find((l) => l.type === 'session.started') as { tools?: string[] } | undefined;
      expect(started?.tools).toContain('exec_command');
      expect(r.stdout).toMatch(/Process running with session ID \d+/);
      expect(r.stdout).toContain('key=[] server up');
      expect(r.stdout).not.toContain('sk-profile-secret');
      expect(seen.length, 'server + nohup + setsid + double fork seen running').toBeGreaterThanOrEqual(4);
      expect(r.code, r.stderr).toBe(code);
      if (ending === 'exit') {
        const ended = lines.find((l) => l.type === 'processes.ended') as
          | { processes: Array<{ session_id: number; command: string }> }
          | undefined;
        expect(ended?.processes).toHaveLength(1);
        expect(ended?.processes[0]?.command).toContain('server up');
        const last = lines[lines.length - 1];
        expect(last?.type).toBe('session.completed');
      }
      const gone = await until(() => pidsWith(t).length === 0, 3_000);
      const left = pidsWith(t).map((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' '));
      expect(gone, `survivors: ${left.join(' | ')}`).toBe(true);
    }, 60_000);
});
