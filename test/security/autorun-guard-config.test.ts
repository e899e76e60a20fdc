/**
 * The autorun guard's git config allow list, large files, truncated scans and the PID-namespace
 * wrapper's PWD (issue 13 §7, red team 3 follow-ups).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wrapInPidNamespace } from '../../src/platform/pid-namespace.js';
import { AutorunGuard, guardedChanges } from '../../src/policy/autorun-guard.js';
import { scanGuarded } from '../../src/policy/autorun-scan.js';
import { gitConfigFacts } from '../../src/policy/git-config-runs.js';
import { autorunReason } from '../../src/policy/sensitive-paths.js';
import { OFF, runtime, shell, workspace } from './autorun-helpers.js';

const INIT =
  '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n';

describe('git config allow list', () => {
  it('what git init, remote add, push -u and user.* write is harmless', () => {
    const text = `${INIT}[remote "origin"]\n\turl = https://x/y.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch "main"]\n\tremote = origin\n\tmerge = refs/heads/main\n[user]\n\tname = A\n\temail = a@b\n`;
    expect(gitConfigFacts(text).runs).toEqual([]);
    // A submodule's own config (git submodule update --init writes it).
    expect(gitConfigFacts(`${INIT}\tworktree = ../../../lib\n`).runs).toEqual([]);
  });

  it.each([
    '[diff]\n\texternal = ./x.sh',
    '[diff "d"]\n\ttextconv = ./x',
    '[pager]\n\tlog = touch P; cat',
    '[core]\n\tpager = x',
    '[core] sshCommand = x',
    '[interactive]\n\tdiffFilter = x',
    '[core]\n\talternateRefsCommand = x',
    '[sequence]\n\teditor = x',
    '[gpg "ssh"]\n\tprogram = x',
    '[credential]\n\thelper = x',
    '[url "ext::sh -c x"]\n\tinsteadOf = https://github.com/',
    '[protocol "ext"]\n\tallow = always',
    '[remote "o"]\n\turl = ext::sh -c x',
    '[remote "o"]\n\tuploadpack = x',
    '[filter "f"]\n\tclean = x',
    '[merge "m"]\n\tdriver = x',
    '[core]\n\tfsmonitor = x',
    '[includeIf "gitdir:/"]\n\tpath = x',
    '[alias]\n\tst = !x',
    '[submodule "s"]\n\tupdate = !x',
    '[extensions]\n\tworktreeConfig = true',
    'garbage without a section',
  ])('%j is a runner', (add) => {
    expect(gitConfigFacts(`${INIT}${add}\n`).runs.length).toBeGreaterThan(0);
  });

  it('reads core.hooksPath (also on the header line)', () => {
    expect(gitConfigFacts('[core] hooksPath = "scripts/hooks"\n').hooksPath).toBe('scripts/hooks');
    expect(gitConfigFacts('[core]\n\thooksPath = .h # c\n').hooksPath).toBe('.h');
  });

  it('git init, git remote add and git config user.name by an unreviewed command are kept', async () => {
    const ws = workspace('cfg-ordinary');
    const r = await shell(
      runtime(ws, OFF),
      'git init -q . && git remote add origin https://example.com/r.git && git config user.name Bot',
      false,
    );
    expect(r.output).not.toContain('[tether:');
    const cfg = readFileSync(join(ws, '.git', 'config'), 'utf8');
    expect(cfg).toContain('https://example.com/r.git');
    expect(cfg).toContain('Bot');
  });

  it('a repository hooksPath directory is snapshotted, and core.hooksPath added by a command is undone', async () => {
    const ws = workspace('cfg-hookspath');
    execFileSync('git', ['init', '-q', '.'], { cwd: ws });
    execFileSync('git', ['config', 'core.hooksPath', '.hooks'], { cwd: ws });
    mkdirSync(join(ws, '.hooks'));
    writeFileSync(join(ws, '.hooks', 'pre-push'), 'ok\n');
    expect([...scanGuarded([ws]).entries.keys()]).toContain(join(ws, '.hooks', 'pre-push'));
    const ws2 = workspace('cfg-hookspath2');
    execFileSync('git', ['init', '-q', '.'], { cwd: ws2 });
    await shell(runtime(ws2, OFF), 'git config core.hooksPath x', false);
    expect(readFileSync(join(ws2, '.git', 'config'), 'utf8')).not.toContain('hooksPath');
  });
});

describe('large guarded files, truncated scans, new names, PWD', () => {
  it('a change to a guarded file over 4 MiB is reported and left, a new one is removed', async () => {
    const ws = workspace('big-change');
    mkdirSync(join(ws, '.devcontainer'));
    const f = join(ws, '.devcontainer', 'cache.tar');
    writeFileSync(f, Buffer.alloc(5_000_000, 7));
    const r = await shell(
      runtime(ws, OFF),
      'echo more >> .devcontainer/cache.tar; head -c 5000000 /dev/zero > .devcontainer/new.tar',
      false,
    );
    expect(statSync(f).size, "the user's file, changed, is still there").toBe(5_000_005);
    expect(r.output).toContain('too large to keep a copy');
    expect(existsSync(join(ws, '.devcontainer', 'new.tar'))).toBe(false);
  });

  it('a truncated scan warns at every check, not once', () => {
    const ws = workspace('trunc-every', { 'sub/a.txt': 'x' });
    execFileSync('sh', ['-c', 'seq -f "f%g" 1 100001 | xargs touch'], { cwd: ws });
    const g = new AutorunGuard([ws]);
    const before = g.snapshot();
    expect(before.truncated).toBe(true);
    const a = g.revertSince(before, 'x');
    const b = g.revertSince(before, 'x');
    expect(a?.user).toContain('were not checked');
    expect(b?.user).toContain('were not checked');
  }, 60_000);

  it('a truncated scan still reads a whole listing and the known directories', () => {
    const ws = workspace('trunc-known', { '.git/hooks/pre-commit': 'x', '.envrc': 'x', 'src/a/b': 'x' });
    for (let i = 0; i < 20; i++) writeFileSync(join(ws, `f${i}`), '');
    const s = scanGuarded([ws], 5);
    expect(s.truncated).toBe(true);
    expect([...s.entries.keys()].sort()).toEqual([
      join(ws, '.envrc'),
      join(ws, '.git', 'hooks', 'pre-commit'),
    ]);
  });

  it("a file in a directory the truncated earlier scan did not read is never taken as new (the user's)", () => {
    const ws = workspace('trunc-unknown', { 'a/b/.husky/pre-commit': 'mine' });
    for (let i = 0; i < 20; i++) writeFileSync(join(ws, `f${i}`), '');
    const g = new AutorunGuard([ws]);
    const before = scanGuarded([ws], 5);
    expect(before.entries.size).toBe(0);
    // The flood is gone by the next look: the user's hook is seen for the first time.
    const changes = guardedChanges(before, scanGuarded([ws]));
    expect(changes).toEqual([]);
    expect(readFileSync(join(ws, 'a/b/.husky/pre-commit'), 'utf8')).toBe('mine');
    expect(g.watching).toBe(false);
  });

  it('past the bound, directories the earlier scan read or that are new are still read', () => {
    const ws = workspace('trunc-prior', { 'src/keep.txt': 'x' });
    const before = scanGuarded([ws], 5);
    expect(before.truncated).toBe(false);
    for (let i = 0; i < 20; i++) writeFileSync(join(ws, `f${i}`), '');
    mkdirSync(join(ws, 'src', '.husky'), { recursive: true });
    writeFileSync(join(ws, 'src', '.husky', 'pre-commit'), 'evil');
    mkdirSync(join(ws, 'x', 'y', '.husky'), { recursive: true });
    writeFileSync(join(ws, 'x', 'y', '.husky', 'pre-commit'), 'evil');
    expect(scanGuarded([ws], 5).entries.size, 'without the prior scan: hidden').toBe(0);
    const after = scanGuarded([ws], 5, before);
    expect(
      guardedChanges(before, after)
        .map((c) => c.path)
        .sort(),
    ).toEqual([join(ws, 'src', '.husky', 'pre-commit'), join(ws, 'x', 'y', '.husky', 'pre-commit')]);
  });

  it('names the new autorun locations', () => {
    for (const p of [
      '.config/mise/config.toml',
      '.mise/config.toml',
      'mise.dev.toml',
      '.mise.ci.toml',
      '.vscode/mcp.json',
      '.cursor/mcp.json',
      '.pnpmfile.cjs',
      '.venv/lib/python3.11/site-packages/evil.pth',
    ])
      expect(autorunReason(p), p).not.toBeNull();
    expect(autorunReason('docs/mise.md')).toBeNull();
    expect(autorunReason('site-packages/x.py')).toBeNull();
  });

  it('the PID-namespace wrapper sets PWD to the command directory, not the launching shell one', () => {
    const ns = { bwrap: '/usr/bin/bwrap', env: '/usr/bin/env', userns: [] };
    const w = wrapInPidNamespace(ns, 'sh', ['-c', 'x'], { PWD: '/work/main' }, '/ws');
    expect(w.args).toContain('PWD=/ws');
    expect(w.args).not.toContain('PWD=/work/main');
  });
});
