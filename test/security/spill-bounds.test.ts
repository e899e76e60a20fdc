/**
 * Security §8: spill files are bounded — one file per call is capped (toolSpillMaxBytes, noted in
 * the model-facing output), all spill files together are capped (toolSpillTotalMaxBytes), and
 * old spill files are cleaned up at startup. The CLI case drives a real `tether -p` run through
 * the simulator with the settings given as environment variables.
 */
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { pruneSpillRoot, SPILL_MAX_AGE_MS } from '../../src/tools/spill-prune.js';
import { requireBuild, runTether } from '../agent/cli-harness.js';
import { harness, SETTINGS, tempDir } from '../tools/helpers.js';

const MiB = 1024 * 1024;

function spillFiles(dir: string): Array<{ name: string; size: number }> {
  const out: Array<{ name: string; size: number }> = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push({ name: p, size: statSync(p).size });
    }
  };
  walk(dir);
  return out;
}

describe('spill caps (tool runtime)', () => {
  it.each([
    { what: 'yes flood', cmd: 'yes | head -c 5000000' },
    { what: 'one long line', cmd: "head -c 5000000 /dev/zero | tr '\\0' a" },
    { what: 'binary', cmd: 'head -c 5000000 /dev/urandom' },
  ])('$what: the spill file stops at the per-call cap and the output says so', async ({ cmd }) => {
    const h = harness({
      settings: { ...SETTINGS, toolSpillMaxBytes: MiB, toolSpillTotalMaxBytes: 64 * MiB },
    });
    const r = await h.call('shell', { command: cmd, workdir: null, timeout_ms: 30_000 });
    expect(r.spillPath).toBeDefined();
    expect(statSync(r.spillPath as string).size).toBe(MiB);
    expect(r.output).toMatch(/per-file cap 1 MiB, setting toolSpillMaxBytes/);
  });

  it('all spill files of a runtime stay under the total cap; then nothing more is written', async () => {
    const h = harness({
      settings: { ...SETTINGS, toolSpillMaxBytes: MiB, toolSpillTotalMaxBytes: 2.5 * MiB },
    });
    const outputs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await h.call('shell', {
        command: 'yes | head -c 3000000',
        workdir: null,
        timeout_ms: 30_000,
      });
      outputs.push(r.output);
    }
    const total = spillFiles(h.spill).reduce((n, f) => n + f.size, 0);
    expect(total).toBe(2.5 * MiB);
    expect(outputs[2]).toMatch(/total cap for spill files \(setting toolSpillTotalMaxBytes\) is reached/);
    expect(outputs[3]).toMatch(/total size cap of spill files is reached; output was not saved/);
    // The model still gets head and tail of the output.
    expect(outputs[3]).toMatch(/^y\ny\n/);
  });

  it('startup prunes files older than 7 days, then the oldest, down to half the cap', () => {
    const root = tempDir('tether-spill-root-');
    const now = Date.now();
    const mk = (session: string, name: string, bytes: number, ageMs: number) => {
      mkdirSync(join(root, session), { recursive: true });
      const p = join(root, session, name);
      writeFileSync(p, Buffer.alloc(bytes, 97));
      const t = (now - ageMs) / 1000;
      utimesSync(p, t, t);
    };
    mk('s-old', 'a.log', 100, SPILL_MAX_AGE_MS + 60_000);
    mk('s1', 'b.log', 400, 5_000);
    mk('s1', 'c.log', 300, 4_000);
    mk('s2', 'd.log', 200, 3_000);
    mk('current', 'e.log', 900, 1_000); // the running session's own directory is never touched
    const used = pruneSpillRoot(root, join(root, 'current'), 1000, now);
    const left = spillFiles(root).map((f) => f.name.slice(root.length + 1).replace(/\\/g, '/'));
    expect(left.sort()).toEqual(['current/e.log', 's1/c.log', 's2/d.log']);
    expect(used).toBe(500);
    expect(readdirSync(root)).not.toContain('s-old');
  });
});

describe('spill caps (tether -p)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    requireBuild();
    sim = await startSimulator({
      scenario: {
        name: 'flood',
        turns: [
          {
            steps: [
              { call: { tool: 'shell', args: { command: 'timeout 2 yes; true' } } },
              { say: 'flooded' },
            ],
          },
        ],
      },
      seed: 1,
    });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('`yes` for 2 s leaves one spill file of at most TETHER_TOOL_SPILL_MAX_BYTES', async () => {
    const ws = tempDir('tether-flood-ws-');
    const home = tempDir('tether-flood-home-');
    const r = await runTether(
      ['-p', 'flood', '-a', 'full-auto', '--sandbox', 'off', '--base-url', sim.url, '-C', ws],
      { env: { TETHER_HOME: home, HOME: home, TETHER_TOOL_SPILL_MAX_BYTES: String(2 * MiB) } },
    );
    expect(r.code, r.stderr).toBe(0);
    const files = spillFiles(join(home, 'spill'));
    expect(files.length).toBe(1);
    expect(files[0]?.size).toBe(2 * MiB);
  }, 30_000);
});
