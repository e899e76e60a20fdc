/**
 * Issue 13 §7 (found by red team 3): a secret a login profile exports is kept out of the snapshot
 * and its value is redacted from tool output too, so `grep PASS ~/.bashrc` in full-auto does not
 * hand it to the model (before the fix the value went through).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { requireBuild, runTether, tempDir } from '../agent/cli-harness.js';

let sim: Simulator;
beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: 'tool-loop-20', seed: 6 });
});
afterAll(async () => {
  await sim?.close();
});

function modelOutputs(): string {
  return sim.recorder
    .creates()
    .flatMap((c) => (c.body as { input?: Array<{ type: string; output?: unknown }> }).input ?? [])
    .filter((i) => i.type === 'function_call_output')
    .map((i) => String(i.output))
    .join('\n');
}

describe('profile secrets never reach the model (red team 3)', () => {
  it('full-auto: grep of ~/.bashrc shows the names, never the values the snapshot filtered', async () => {
    const home = tempDir('tether-rt3-home-');
    const profile = 'export PGPASSWORD=pgsecret99zz\nexport MYAPP_PASSWORD=pw-value-1234567\n';
    for (const f of ['.bashrc', '.profile', '.bash_profile']) writeFileSync(join(home, f), profile);
    const ws = tempDir('tether-rt3-ws-');
    mkdirSync(join(ws, 'src'));
    sim.recorder.clear();
    sim.setScenario({
      name: 'rt3',
      turns: [
        {
          steps: [{ call: { tool: 'shell', args: { command: 'grep -h PASS ~/.bashrc' } } }, { say: 'done' }],
        },
      ],
    });
    const r = await runTether(
      ['-p', 'go', '-a', 'full-auto', '--sandbox', 'off', '--json', '--base-url', sim.url, '-C', ws],
      {
        env: { TETHER_TOOL_PROFILE: 'json', HOME: home },
        timeoutMs: 40_000,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = modelOutputs();
    expect(out).toContain('PGPASSWORD');
    expect(out, 'a secret-named value the profile exports').not.toContain('pgsecret99zz');
    expect(out).not.toContain('pw-value-1234567');
  }, 60_000);
});
