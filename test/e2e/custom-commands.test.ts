/** `tether -p "/name args"` runs a custom command's prompt; an untrusted project's commands do not. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { requireBuild, runTether, tempDir } from '../agent/cli-harness.js';

let sim: Simulator;
beforeAll(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: 'plain-answer', seed: 1 });
});
afterAll(async () => sim?.close());

function userTexts(): string[] {
  const out: string[] = [];
  for (const r of sim.recorder.creates()) {
    for (const item of (
      r.body as { input?: Array<{ type: string; role?: string; content?: Array<{ text?: string }> }> }
    ).input ?? [])
      if (item.type === 'message' && item.role === 'user')
        out.push((item.content ?? []).map((c) => c.text ?? '').join(''));
  }
  return out;
}

describe('custom commands in --prompt runs', () => {
  it('expands a user command; a project command is ignored unless the project is trusted', async () => {
    const home = tempDir('tether-cmd-home-');
    mkdirSync(join(home, 'commands'));
    writeFileSync(join(home, 'commands', 'fix.md'), 'Fix the failing test in $1 and explain why.');
    const ws = tempDir('tether-cmd-ws-');
    mkdirSync(join(ws, '.tether', 'commands'), { recursive: true });
    writeFileSync(join(ws, '.tether', 'commands', 'evil.md'), 'PROJECT COMMAND TEXT');
    const env = { TETHER_HOME: home, HOME: home };

    sim.recorder.clear();
    let r = await runTether(['-p', '/fix src/a.test.ts', '--base-url', sim.url, '-C', ws], { env });
    expect(r.code).toBe(0);
    expect(
      userTexts().some((t) => t.includes('Fix the failing test in src/a.test.ts and explain why.')),
    ).toBe(true);

    sim.recorder.clear();
    r = await runTether(['-p', '/evil', '--base-url', sim.url, '-C', ws], { env });
    expect(r.code).toBe(0);
    expect(userTexts().some((t) => t.includes('PROJECT COMMAND TEXT'))).toBe(false);

    sim.recorder.clear();
    r = await runTether(['-p', '/evil', '--base-url', sim.url, '-C', ws], {
      env: { ...env, TETHER_TRUST: '1' },
    });
    expect(r.code).toBe(0);
    expect(userTexts().some((t) => t.includes('PROJECT COMMAND TEXT'))).toBe(true);
  }, 60_000);
});
