/**
 * Smoke test of the benchmark harness: `node bench/run.mjs --quick` (tiny sizes, no Codex/UI)
 * must finish and write a well-formed latest.json / latest.md. It checks shape, not speed:
 * benchmark figures are reported, never asserted.
 */

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../../bench/harness/targets.js';

const ROOT = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'tether-bench-smoke-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('bench/run.mjs --quick', () => {
  let run: SpawnSyncReturns<string>;
  beforeAll(() => {
    run = spawnSync(process.execPath, [join(ROOT, 'bench', 'run.mjs'), '--quick', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 55_000,
    });
  }, 60_000);

  it('exits 0 and writes both files', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toContain('| Target | Goal | Status | Measured |');
  });

  it('writes every target with a valid status and the machine it ran on', () => {
    const r = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as {
      profile: string;
      machine: { nproc: number; cpuModel: string; node: string };
      targets: Array<{ id: string; status: string; measured: string; note?: string }>;
      sections: Array<{ name: string; ok: boolean; error?: string; figures: Record<string, unknown> }>;
    };
    expect(r.profile).toBe('quick');
    expect(r.machine.nproc).toBeGreaterThan(0);
    expect(r.machine.node).toBe(process.version);
    expect(r.machine.cpuModel.length).toBeGreaterThan(0);
    expect(r.targets.map((t) => t.id)).toEqual(TARGETS.map((t) => t.id));
    for (const t of r.targets) {
      expect(['met', 'NOT met', 'not measured']).toContain(t.status);
      if (t.status === 'not measured') expect(t.note, t.id).toBeTruthy();
      else expect(t.measured, t.id).toMatch(/\d/);
    }
    // The simulator-only sections need nothing but src/: they must produce figures.
    const byName = new Map(r.sections.map((s) => [s.name, s]));
    for (const name of ['Client overhead per turn', 'Rotation cost']) {
      const s = byName.get(name);
      expect(s?.ok, `${name}: ${s?.error}`).toBe(true);
    }
    const md = readFileSync(join(out, 'latest.md'), 'utf8');
    expect(md).toContain(`nproc ${r.machine.nproc}`);
    expect(md).toContain(`Node ${process.version}`);
  });
});
