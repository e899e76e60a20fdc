/**
 * Security (R20, R22): a hostile repository (fixtures/hostile, built by
 * test/helpers/chaos-hostile.ts) whose `.git/config` points core.fsmonitor, diff.external, a
 * textconv driver, pagers and hooks at a script that writes a sentinel, with `.env` files and
 * symlinks out of the workspace. tether's own git calls never run any of it, an agent-issued
 * `git status` needs approval, and file tools cannot follow the symlinks out.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, unlinkSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/index.js';
import { gitBranch } from '../../src/store/git-branch.js';
import { createToolRuntime } from '../../src/tools/index.js';
import type { ReadyCall, ToolRuntime } from '../../src/tools/types.js';
import { createNodeServices } from '../../src/ui/services/node-services.js';
import { buildHostileRepo, type HostileRepo } from '../helpers/chaos-hostile.js';

let repo: HostileRepo;
let rt: ToolRuntime;
const NO_SANDBOX = { tier: 'none' as const, requested: 'off' as const, network: true, message: 'off' };

function resetSentinel(): void {
  try {
    unlinkSync(repo.sentinel);
  } catch {
    /* absent */
  }
}

beforeAll(() => {
  repo = buildHostileRepo();
  rt = createToolRuntime({
    workspace: repo.ws,
    spillDir: `${repo.root}/spill`,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: repo.root },
    settings: {
      toolTimeoutMs: 10_000,
      toolMaxTimeoutMs: 20_000,
      toolInactivityTimeoutMs: 10_000,
      toolOutputMaxChars: 40_000,
    },
    sandbox: NO_SANDBOX,
  });
});
beforeEach(() => resetSentinel());
afterAll(() => rmSync(repo.root, { recursive: true, force: true }));

describe('security: hostile repository', () => {
  it('the fixture is armed: plain git commands do run its programs', () => {
    execFileSync('git', ['status'], { cwd: repo.ws, stdio: 'ignore' });
    execFileSync('git', ['diff'], { cwd: repo.ws, stdio: 'ignore' });
    expect(repo.ran()).toMatch(/ran:/);
  });

  it("tether's session git-branch query runs nothing from the repository", () => {
    expect(gitBranch(repo.ws)).toBe('hostile-branch');
    expect(repo.ran()).toBe('');
  });

  it('the TUI file listing (git ls-files) runs nothing from the repository', async () => {
    const services = createNodeServices({
      cwd: repo.ws,
      env: { PATH: process.env['PATH'] ?? '', HOME: repo.root },
      stdout: new PassThrough(),
    });
    const files = await services.listFiles();
    expect(files).toContain('src/new.js');
    expect(repo.ran()).toBe('');
  });

  it('F7: the TUI /diff (git diff) runs no diff.external / textconv program from the repository', async () => {
    // See test/chaos/FINDINGS.md F7.
    const services = createNodeServices({
      cwd: repo.ws,
      env: { PATH: process.env['PATH'] ?? '', HOME: repo.root },
      stdout: new PassThrough(),
    });
    await services.gitDiff().catch(() => '');
    expect(repo.ran(), 'programs the repository made git run').toBe('');
  });

  it('an agent-issued `git status` needs approval in every mode but full-auto (never auto-run as safe)', async () => {
    const p = await rt.prepare({
      callId: 'c1',
      name: 'shell',
      arguments: JSON.stringify({ command: 'git status', workdir: null, timeout_ms: null }),
    });
    expect(p.ok).toBe(true);
    const call = p as ReadyCall;
    for (const mode of ['suggest', 'auto-edit'] as const) {
      expect((await decide(call, { mode, sandbox: NO_SANDBOX, rules: { prefixes: [] } })).action).toBe('ask');
    }
    expect(repo.ran()).toBe('');
  });

  it('file tools cannot follow the symlinks out of the workspace', async () => {
    const refused = [
      { name: 'read_file', args: { path: 'link-etc/passwd', start_line: null, end_line: null } },
      { name: 'read_file', args: { path: 'src/link-outside', start_line: null, end_line: null } },
      { name: 'list_dir', args: { path: 'link-up' } },
      { name: 'write_file', args: { path: 'link-up/pwned.txt', content: 'x' } },
      { name: 'write_file', args: { path: 'src/link-outside', content: 'x' } },
      { name: 'write_file', args: { path: '.git/hooks/pre-commit', content: '#!/bin/sh\n' } },
      { name: 'edit', args: { path: '.git/config', old_string: '[core]', new_string: '[core]\n' } },
      { name: 'grep', args: { pattern: 'secret', path: 'link-up' } },
    ];
    for (const r of refused) {
      const p = await rt.prepare({ callId: 'c', name: r.name, arguments: JSON.stringify(r.args) });
      expect(p.ok, `${r.name} ${JSON.stringify(r.args)}`).toBe(false);
    }
  });

  it('a workspace-wide grep does not read through the outward symlinks', async () => {
    const p = await rt.prepare({
      callId: 'g',
      name: 'grep',
      arguments: JSON.stringify({ pattern: 'outside secret', path: null }),
    });
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    const res = await rt.run(p, { signal: new AbortController().signal, sandboxed: false });
    expect(res.output).not.toContain('outside secret\n');
    expect(res.output).not.toMatch(/link-outside:\d+/);
  });

  it('its .env files need approval to be read in every mode, and a workspace grep skips them (issue 13 §7)', async () => {
    for (const [name, args] of [
      ['read_file', { path: '.env', start_line: null, end_line: null }],
      ['read_file', { path: '.env.local', start_line: null, end_line: null }],
      ['grep', { pattern: '.', path: '.env' }],
    ] as const) {
      const p = await rt.prepare({ callId: 'r', name, arguments: JSON.stringify(args) });
      expect(p.ok).toBe(true);
      for (const mode of ['suggest', 'auto-edit', 'full-auto'] as const)
        expect(
          (await decide(p as ReadyCall, { mode, sandbox: NO_SANDBOX, rules: { prefixes: [] } })).action,
        ).toBe('ask');
    }
    const g = await rt.prepare({
      callId: 'g',
      name: 'grep',
      arguments: JSON.stringify({ pattern: '=', path: null }),
    });
    if (!g.ok) throw new Error(g.output);
    const res = await rt.run(g, { signal: new AbortController().signal, sandboxed: false });
    expect(res.output).not.toMatch(/^\.env(\.local)?:/m);
  });

  it('writing its hooks-like files (.envrc, .husky, .vscode/tasks.json) asks even in full-auto', async () => {
    for (const path of ['.envrc', '.husky/pre-commit', '.vscode/tasks.json', '.github/workflows/x.yml']) {
      const p = await rt.prepare({
        callId: 'w',
        name: 'write_file',
        arguments: JSON.stringify({ path, content: 'x' }),
      });
      expect(p.ok, path).toBe(true);
      expect(
        (await decide(p as ReadyCall, { mode: 'full-auto', sandbox: NO_SANDBOX, rules: { prefixes: [] } }))
          .action,
        path,
      ).toBe('ask');
    }
  });

  it('F8: file tools refuse to write .env files (R22 protected segments)', async () => {
    // See test/chaos/FINDINGS.md F8.
    for (const path of ['.env', '.env.local', 'src/.ENV.production']) {
      const p = await rt.prepare({
        callId: 'e',
        name: 'write_file',
        arguments: JSON.stringify({ path, content: 'X=1\n' }),
      });
      expect(p.ok, path).toBe(false);
    }
  });
});
