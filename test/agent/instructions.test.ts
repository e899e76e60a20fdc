import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildInstructions,
  loadProjectInstructions,
  projectDirs,
  truncateUtf8,
} from '../../src/agent/instructions.js';

function repo() {
  const root = mkdtempSync(join(tmpdir(), 'tether-instr-'));
  mkdirSync(join(root, '.git'));
  mkdirSync(join(root, 'pkg', 'sub'), { recursive: true });
  const home = mkdtempSync(join(tmpdir(), 'tether-home-'));
  return { root, home, env: { TETHER_HOME: home } as NodeJS.ProcessEnv };
}

const base = { approval: 'suggest' as const, sandbox: 'bwrap', tools: ['shell'], interactive: false };

describe('instructions', () => {
  it('loads global, root and subdirectory files in order, with CLAUDE.md as a fallback', () => {
    const { root, home, env } = repo();
    writeFileSync(join(home, 'AGENTS.md'), 'GLOBAL RULE');
    writeFileSync(join(root, 'AGENTS.md'), 'ROOT RULE');
    writeFileSync(join(root, 'pkg', 'CLAUDE.md'), 'PKG RULE');
    writeFileSync(join(root, 'pkg', 'sub', 'AGENTS.md'), 'SUB RULE');
    writeFileSync(join(root, 'pkg', 'sub', 'CLAUDE.md'), 'IGNORED because AGENTS.md exists');
    const cwd = join(root, 'pkg', 'sub');
    const r = buildInstructions({ ...base, cwd, maxBytes: 10_000, env });
    expect(r.files).toEqual([
      join(home, 'AGENTS.md'),
      join(root, 'AGENTS.md'),
      join(root, 'pkg', 'CLAUDE.md'),
      join(cwd, 'AGENTS.md'),
    ]);
    const order = ['GLOBAL RULE', 'ROOT RULE', 'PKG RULE', 'SUB RULE'].map((t) => r.text.indexOf(t));
    expect(order.every((v, i) => v > 0 && (i === 0 || v > order[i - 1]!))).toBe(true);
    expect(r.text).not.toContain('IGNORED');
    expect(r.text).toContain('non-interactive');
    expect(r.warnings).toEqual([]);
  });

  it('caps project instructions with a visible warning', () => {
    const { root, env } = repo();
    writeFileSync(join(root, 'AGENTS.md'), 'x'.repeat(300));
    writeFileSync(join(root, 'pkg', 'AGENTS.md'), 'y'.repeat(300));
    const r = loadProjectInstructions(join(root, 'pkg'), 400, env);
    expect(r.sections.map((s) => s.text.replace(/\n\[… truncated\]$/, '').length)).toEqual([300, 100]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/truncated at 400 bytes/);
  });

  it('outside a git repository only the cwd is searched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-norepo-'));
    expect(projectDirs(dir)).toEqual([dir]);
  });

  it('never splits a UTF-8 character', () => {
    expect(truncateUtf8('aé', 2)).toBe('a');
    expect(truncateUtf8('aé', 3)).toBe('aé');
  });
});
