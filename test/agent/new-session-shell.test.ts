/**
 * `/new` and the shell engine, through the real runtime (createAgentRuntime) against the
 * simulator: the old session's exec_command processes (detached children included) end, its
 * snapshot file is removed, and the new session gets its own snapshot, captured in the
 * background. Linux only (finds processes through /proc).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgentRuntime } from '../../src/agent/create.js';
import type { AgentEvent } from '../../src/agent/events.js';
import { defaultSettings } from '../../src/config/schema.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { tempDir } from './cli-harness.js';

let sim: Simulator;
const tokens: string[] = [];
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'plain-answer', seed: 11 });
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  for (const t of tokens.splice(0))
    for (const pid of pidsWith(t))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
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

describe.skipIf(process.platform !== 'linux')('/new and the shell engine', () => {
  it('ends the old session’s processes, removes its snapshot and captures a new one', async () => {
    const t = `tn${Math.random().toString(36).slice(2, 10)}`;
    tokens.push(t);
    sim.setScenario({
      name: 'new-session-server',
      turns: [
        {
          steps: [
            {
              call: {
                tool: 'shell',
                args: {
                  // Literal scripts: a `bash -c` of a computed script asks for approval even in
                  // full-auto (policy/destructive.ts), which an interactive run would wait for.
                  command: [
                    `setsid bash -c 'exec -a ${t}-setsid sleep 1000' >/dev/null 2>&1 </dev/null &`,
                    'echo "server up: $(profile_fn)"',
                    `exec -a ${t}-server sleep 1000`,
                  ].join('\n'),
                  yield_time_ms: 1500,
                },
              },
            },
            { say: 'started' },
          ],
        },
      ],
    });
    const home = tempDir('tether-new-home-');
    writeFileSync(join(home, '.bash_profile'), 'profile_fn() { echo from-profile; }\n');
    const rt = await createAgentRuntime({
      settings: {
        ...defaultSettings(),
        baseUrl: sim.url,
        approval: 'full-auto',
        sandbox: 'off',
        toolProfile: 'codex',
        shellSnapshot: true,
      },
      cwd: tempDir('tether-new-ws-'),
      apiKey: 'sk-test',
      interactive: true,
      sessionId: 'sess-old',
      env: { TETHER_HOME: home, HOME: home, SHELL: '/bin/bash', PATH: process.env['PATH'] ?? '' },
    });
    const events: AgentEvent[] = [];
    rt.agent.subscribe((e) => events.push(e));
    try {
      const out = await rt.agent.run('start the server');
      expect(out.status).toBe('success');
      expect(
        events.some((e) => e.type === 'approval_requested'),
        'no approval was asked',
      ).toBe(false);
      const oldFile = rt.shell.file();
      expect(oldFile).toMatch(/sess-old\.\d+\.sh$/);
      expect(existsSync(oldFile as string)).toBe(true);
      expect(await until(() => pidsWith(t).length >= 2, 5_000)).toBe(true);

      await rt.agent.newSession();
      expect(
        await until(() => pidsWith(t).length === 0, 3_000),
        'the old session’s server and its setsid child are gone',
      ).toBe(true);
      const ended = events.find((e) => e.type === 'processes_ended') as
        | { processes: Array<{ reason: string }> }
        | undefined;
      expect(ended?.processes[0]?.reason).toContain('/new');
      expect(existsSync(oldFile as string), 'the old snapshot file is removed').toBe(false);
      const newId = rt.agent.getSnapshot().sessionId;
      expect(newId).not.toBe('sess-old');
      // The new session's snapshot is captured off the critical path; it appears shortly.
      expect(await until(() => rt.shell.file()?.includes(newId) === true, 10_000)).toBe(true);
      const dir = dirname(rt.shell.file() as string);
      expect(readdirSync(dir).filter((n) => n.startsWith('sess-old'))).toEqual([]);
      const newFile = rt.shell.file() as string;
      await rt.close();
      expect(existsSync(newFile), 'closing the runtime removes the snapshot').toBe(false);
    } finally {
      await rt.close();
    }
  }, 40_000);
});
