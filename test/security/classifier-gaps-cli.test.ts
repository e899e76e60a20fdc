/**
 * Issue 13 §1 end to end: the built CLI on the simulator, unsandboxed (as on macOS or without
 * bubblewrap), nobody to ask (`-p`). A repository plants `selfenv -> /proc/self/environ`; a
 * scripted model call `cat -v selfenv` would be known-safe by its words, so before the fix it ran in
 * suggest mode and sent the environment to the model. Now it is denied and the model never sees
 * the marker. In full-auto a `git reset --hard` (and a `find -delete`) hidden behind `bash -c`
 * is denied too, and the file it would have destroyed keeps its uncommitted content.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import { requireBuild, runTether, TEST_KEY, tempDir } from '../agent/cli-harness.js';

const MARKER = 'planted-link-environ-marker';

async function run(command: string, approval: string, ws: string) {
  const sim = await startSimulator({
    apiKey: TEST_KEY,
    scenario: {
      name: 'classifier-gap',
      turns: [
        {
          steps: [
            { call: { tool: 'shell', args: { command, workdir: null, timeout_ms: null } } },
            { say: 'done' },
          ],
        },
      ],
    },
    seed: 13,
  });
  try {
    const r = await runTether(
      ['-p', 'go', '-a', approval, '--sandbox', 'off', '--base-url', sim.url, '-C', ws, '--output', 'json'],
      { env: { TETHER_TOOL_PROFILE: 'json', LINK_MARKER: MARKER }, timeoutMs: 60_000 },
    );
    const outputs = sim.recorder
      .creates()
      .flatMap((c) => (c.body as { input?: Array<{ type: string; output?: unknown }> }).input ?? [])
      .filter((i) => i.type === 'function_call_output')
      .map((i) => String(i.output));
    return { r, outputs: outputs.join('\n') };
  } finally {
    await sim.close();
  }
}

describe('classifier gaps through the built CLI (simulator, no sandbox, -p)', () => {
  it.skipIf(process.platform !== 'linux')(
    'a planted link to /proc/self/environ is not read in suggest mode',
    async () => {
      requireBuild();
      const ws = tempDir('tether-gap-link-');
      symlinkSync('/proc/self/environ', join(ws, 'selfenv'));
      // Control: where nothing asks (full-auto, no sandbox) the link does leak the environment.
      expect((await run('cat -v selfenv', 'full-auto', ws)).outputs).toContain(MARKER);
      const { r, outputs } = await run('cat -v selfenv', 'suggest', ws);
      expect(r.stdout + r.stderr).not.toContain(MARKER);
      expect(outputs).not.toContain(MARKER);
      expect(outputs).toMatch(/denied|approval/i);
    },
    120_000,
  );

  it('a destructive git command hidden in bash -c is denied in full-auto', async () => {
    requireBuild();
    const ws = tempDir('tether-gap-git-');
    const git = (args: string) => `git -c user.email=t@t -c user.name=t -c commit.gpgsign=false ${args}`;
    const { execSync } = await import('node:child_process');
    execSync(`git init -q && echo one > a.txt && git add a.txt && ${git('commit -qm init')}`, { cwd: ws });
    writeFileSync(join(ws, 'a.txt'), 'uncommitted work\n');
    mkdirSync(join(ws, 'build'));
    writeFileSync(join(ws, 'build', 'keep.txt'), 'keep\n');
    for (const command of ["bash -c 'git reset --hard'", 'sudo -n true; find build -delete']) {
      const { outputs } = await run(command, 'full-auto', ws);
      expect(outputs, command).toMatch(/denied|approval/i);
    }
    expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('uncommitted work\n');
    expect(readFileSync(join(ws, 'build', 'keep.txt'), 'utf8')).toBe('keep\n');
  }, 120_000);
});
