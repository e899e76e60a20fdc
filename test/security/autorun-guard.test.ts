/**
 * Security §7: a command the user did not review cannot leave behind a file that runs code on the
 * user's next action — created, renamed into place, linked (symlink or hard link), through a
 * symlinked directory, with `mkdir -p`, by `git init` + a hook, by a `.git/config` that names a
 * program, or by changing an existing one. Each vector runs as a real `shell` command through the
 * tool runtime (unreviewed, as full-auto runs it), with the sandbox off and on; what it created is
 * gone, what it changed is back byte for byte, nothing else is touched, and the model is told.
 */
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bwrap, exists, OFF, outside, runtime, sandboxOk, shell, workspace } from './autorun-helpers.js';

type Vector = {
  name: string;
  files?: Record<string, string>;
  cmd: (o: string) => string;
  /** Paths (relative) that must not exist afterwards. */
  gone: string[];
  /** Paths (relative) with the content they must have afterwards. */
  same?: Record<string, string>;
  /** Created by the command and harmless: must still be there. */
  kept?: string[];
};

const VECTORS: Vector[] = [
  { name: 'a new .envrc', cmd: () => 'echo "echo pwned" > .envrc', gone: ['.envrc'] },
  { name: 'upper-case .ENVRC (macOS folds case)', cmd: () => 'echo x > .ENVRC', gone: ['.ENVRC'] },
  {
    name: 'written elsewhere, renamed into place',
    cmd: () => 'echo x > tmp.sh && mv tmp.sh .envrc',
    gone: ['.envrc', 'tmp.sh'],
  },
  { name: 'a symlink to a script outside', cmd: (o) => `ln -s ${o}/evil.sh .envrc`, gone: ['.envrc'] },
  {
    name: 'a hard link to a script in the workspace (the other name stays)',
    files: { 'scripts/evil.sh': 'echo pwned\n' },
    cmd: () => 'ln scripts/evil.sh .envrc',
    gone: ['.envrc'],
    same: { 'scripts/evil.sh': 'echo pwned\n' },
  },
  {
    name: 'mkdir -p of a nested .vscode/tasks.json',
    cmd: () => 'mkdir -p pkg/a/.vscode && echo {} > pkg/a/.vscode/tasks.json',
    gone: ['pkg'],
  },
  {
    name: 'mkdir -p next to an ordinary file (kept)',
    cmd: () => 'mkdir -p lib/.vscode && echo {} > lib/.vscode/settings.json && echo ok > lib/code.ts',
    gone: ['lib/.vscode'],
    kept: ['lib/code.ts'],
  },
  {
    name: '.vscode as a symlink to a directory outside',
    cmd: (o) => `ln -s ${o}/vsdir .vscode`,
    gone: ['.vscode'],
  },
  {
    name: 'a GitHub workflow',
    cmd: () => 'mkdir -p .github/workflows && echo "on: push" > .github/workflows/x.yml',
    gone: ['.github'],
  },
  {
    name: 'a husky hook',
    cmd: () => 'mkdir -p .husky && printf "#!/bin/sh\\necho x\\n" > .husky/pre-commit',
    gone: ['.husky'],
  },
  {
    name: '.mcp.json',
    cmd: () => 'echo \'{"mcpServers":{"x":{"command":"sh"}}}\' > .mcp.json',
    gone: ['.mcp.json'],
  },
  {
    name: '.npmrc and a code-workspace',
    cmd: () => 'echo "script-shell=/tmp/x" > .npmrc; echo {} > a.code-workspace',
    gone: ['.npmrc', 'a.code-workspace'],
  },
  {
    name: 'Claude Code settings',
    cmd: () => 'mkdir -p .claude && echo {} > .claude/settings.json',
    gone: ['.claude'],
  },
  {
    name: 'git init, then a hook (no .git at start)',
    cmd: () =>
      'git init -q . && printf "#!/bin/sh\\necho x\\n" > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit',
    gone: ['.git/hooks/pre-commit'],
    kept: ['.git/HEAD', '.git/hooks/pre-commit.sample'],
  },
  {
    name: 'git init with core.hooksPath (the new config names a program)',
    cmd: () => 'git init -q . && git config core.hooksPath .hooks',
    gone: ['.git/config'],
    kept: ['.git/HEAD'],
  },
  {
    name: 'a .tether directory made by the command',
    cmd: () => 'mkdir -p sub/.tether && echo {} > sub/.tether/config.json',
    gone: ['sub'],
  },
  {
    name: 'a .git file pointing at a repository elsewhere (no .git at start)',
    cmd: (o) => `echo "gitdir: ${o}/evilrepo" > .git`,
    gone: ['.git'],
  },
  {
    name: 'git config with the section header and the key on one line',
    cmd: () => 'git init -q . && printf "[core] hooksPath = .h\\n" >> .git/config',
    gone: ['.git/config'],
  },
  {
    name: "a submodule's hook (.git/modules/m/hooks)",
    cmd: () =>
      'git init -q . && mkdir -p .git/modules/m/hooks && printf "#!/bin/sh\\n" > .git/modules/m/hooks/post-checkout',
    gone: ['.git/modules/m/hooks/post-checkout'],
    kept: ['.git/HEAD'],
  },
  {
    name: 'a mise config (hooks on entering the directory)',
    cmd: () => 'echo "[hooks]" > mise.toml',
    gone: ['mise.toml'],
  },
  {
    name: 'changing an existing .envrc',
    files: { '.envrc': 'export A=1\n' },
    cmd: () => 'echo "echo pwned" >> .envrc',
    gone: [],
    same: { '.envrc': 'export A=1\n' },
  },
  {
    name: 'replacing an existing .envrc by a symlink',
    files: { '.envrc': 'export A=1\n' },
    cmd: (o) => `rm .envrc && ln -s ${o}/evil.sh .envrc`,
    gone: [],
    same: { '.envrc': 'export A=1\n' },
  },
  {
    name: 'replacing an existing tasks.json by a symlink to one outside',
    files: { '.vscode/tasks.json': '{}\n' },
    cmd: (o) => `rm .vscode/tasks.json && ln -s ${o}/vsdir/tasks.json .vscode/tasks.json`,
    gone: [],
    same: { '.vscode/tasks.json': '{}\n' },
  },
  {
    name: 'moving .vscode away and linking a directory in its place',
    files: { '.vscode/tasks.json': '{}\n' },
    cmd: (o) => `mv .vscode old-vscode && ln -s ${o}/vsdir .vscode`,
    gone: ['.vscode'],
    kept: ['old-vscode/tasks.json'],
  },
];

for (const sandbox of ['off', 'on'] as const)
  describe.skipIf(sandbox === 'on' && !sandboxOk)(`autorun files, sandbox ${sandbox}`, () => {
    for (const v of VECTORS) {
      it(`${v.name}: undone, and the model is told`, async () => {
        const ws = workspace(`${sandbox}-${v.name.replace(/\W+/g, '-')}`, v.files);
        const rt = runtime(ws, sandbox === 'on' ? bwrap : OFF);
        const r = await shell(rt, v.cmd(outside), sandbox === 'on');
        for (const g of v.gone) expect(exists(join(ws, g)), `${g} is gone (${r.output})`).toBe(false);
        for (const [p, c] of Object.entries(v.same ?? {})) {
          expect(lstatSync(join(ws, p)).isFile(), `${p} is a file again`).toBe(true);
          expect(readFileSync(join(ws, p), 'utf8')).toBe(c);
        }
        for (const k of v.kept ?? []) expect(exists(join(ws, k)), `${k} is kept`).toBe(true);
        // In the sandbox an existing autorun file is read-only: the change fails instead.
        if (sandbox === 'off' || !v.files || v.gone.length > 0) {
          expect(r.output).toMatch(/\[tether: (removed new|restored) /);
          expect(r.notice).toMatch(/run code on your next action/);
        }
        expect(readFileSync(join(outside, 'evil.sh'), 'utf8')).toBe('echo pwned\n');
        expect(existsSync(join(outside, 'vsdir', 'tasks.json'))).toBe(true);
      }, 30_000);
    }
  });
