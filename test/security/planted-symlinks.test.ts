/**
 * Security, issue 13 §1/§7: a hostile repository plants symlinks (`p -> /proc`, `r -> /`, a link to
 * `$HOME/.ssh`, `/etc/shadow`, another process's environ, a dotenv file) so that a command the
 * classifier calls known-safe (`grep -r KEY p`, `cat p/self/environ`) reads secrets. Through the
 * real tool runtime (prepare → decide, unsandboxed, as on macOS or without bubblewrap): each such
 * command asks in suggest and auto-edit mode, while the same command on an ordinary path still
 * runs unasked. The file tools and grep's Node fallback never follow those links out.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/index.js';
import { pathReachProblem } from '../../src/policy/path-reach.js';
import { grepNode } from '../../src/tools/builtin/grep.js';
import { createToolRuntime } from '../../src/tools/index.js';
import type { ToolRuntime } from '../../src/tools/types.js';

const NO_SANDBOX = { tier: 'none' as const, requested: 'off' as const, network: true, message: 'off' };
const LINUX = process.platform === 'linux';

let root: string;
let ws: string;
let home: string;
let rt: ToolRuntime;
const savedHome = process.env['HOME'];

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'tether-sec-links-')));
  ws = join(root, 'ws');
  home = join(root, 'home');
  mkdirSync(join(ws, 'src', 'deep'), { recursive: true });
  mkdirSync(join(home, '.ssh'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'PRIVATE-KEY-marker\n');
  writeFileSync(join(root, 'outside', 'notes.txt'), 'outside-marker\n');
  writeFileSync(join(ws, 'src', 'a.ts'), 'export const KEY = 1;\n');
  writeFileSync(join(ws, '.env.real'), 'API_KEY=dotenv-marker\n');
  writeFileSync(join(ws, '.env.example'), 'API_KEY=template\n');
  const links: Array<[string, string]> = [
    ['p', '/proc'],
    ['r', '/'],
    ['s', '/sys'],
    ['d', '/dev'],
    ['sh', '/etc/shadow'],
    ['keys', join(home, '.ssh')],
    ['env1', '/proc/1/environ'],
    ['selfenv', '/proc/self/environ'],
    ['cfg', '.env.real'],
    ['src/deep/up', '../../p'], // a chain: a link to a link
    ['out', join(root, 'outside')],
    ['dangling', join(root, 'outside', 'later', 'x')],
    ['loop', 'loop'],
    ['tmpl', '.env.example'],
    ['inside', 'src'],
    ['null', '/dev/null'],
    ['-k', join(home, '.ssh')], // a link named like a flag: a file after `--`
    ['tok', '/var/run/secrets/kubernetes.io/serviceaccount/token'],
  ];
  for (const [name, target] of links) symlinkSync(target, join(ws, name));
  process.env['HOME'] = home;
  rt = createToolRuntime({
    workspace: ws,
    spillDir: join(root, 'spill'),
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home },
    settings: {
      toolTimeoutMs: 10_000,
      toolMaxTimeoutMs: 20_000,
      toolInactivityTimeoutMs: 10_000,
      toolOutputMaxChars: 40_000,
    },
    sandbox: NO_SANDBOX,
  });
});

afterAll(() => {
  if (savedHome === undefined) delete process.env['HOME'];
  else process.env['HOME'] = savedHome;
  rmSync(root, { recursive: true, force: true });
});

async function actionOf(
  command: string,
  mode: 'suggest' | 'auto-edit' = 'suggest',
  workdir: string | null = null,
) {
  const call = await rt.prepare({
    callId: 'c',
    name: 'shell',
    arguments: JSON.stringify({ command: command.replace('HOME/', `${home}/`), workdir, timeout_ms: null }),
  });
  if (!call.ok) throw new Error(call.output);
  return decide(call, { mode, sandbox: NO_SANDBOX, rules: { prefixes: [] }, workspace: ws });
}

// Commands that are known-safe by their words but reach a planted link.
const ASKS: string[] = [
  'grep -r KEY p',
  'grep -rn KEY r',
  'grep -r KEY src/deep/up',
  'cat p/self/environ',
  'head p/1/environ',
  'tail -c 100 p/self/cmdline',
  'cat selfenv',
  'cat env1',
  'head -c 64 d/urandom',
  'cat s/kernel/notes',
  'ls -R r',
  'ls -la keys',
  'cat keys/id_ed25519',
  'cat sh',
  'find p -name environ',
  'find r -maxdepth 1',
  'find . -L -name x',
  'find . -follow -name x',
  'ls -RL .',
  'ls -R --dereference src',
  'cat cfg',
  'wc -l cfg',
  'grep -f cfg src/a.ts',
  'grep -fcfg src/a.ts',
  'grep --file=cfg src/a.ts',
  'wc --files0-from=selfenv',
  'cat out/notes.txt',
  'grep -r marker out',
  'cat dangling',
  'cat loop',
  'cd p && cat self/environ',
  'cd p; head 1/environ',
  'cd src/deep && cat up/self/environ',
  "bash -c 'cat p/self/environ'",
  "sh -c 'cd r && cat etc/hostname'",
  'cat src/../p/self/environ',
  'cat HOME/.ssh/id_ed25519',
  'cd && cat .ssh/id_ed25519',
  'cd - && cat x',
  'cat /etc/shadow',
  'cat /dev/zero',
  'stat /root',
  'cat -- -k/id_ed25519',
  'head -n 1 -- -k/id_ed25519',
  'cat tok',
];
// The same tools on ordinary paths stay known-safe.
const AUTO: string[] = [
  'grep -r KEY src',
  'grep -rn KEY .',
  'grep -r KEY',
  'cat src/a.ts',
  'cat inside/a.ts',
  'ls -R .',
  'ls -la',
  'find . -name "*.ts"',
  'cat tmpl',
  'cat .env.example',
  'head -n 3 src/a.ts',
  'cat src/a.ts 2>/dev/null',
  'cat null',
  'wc -l src/a.ts src/missing.ts',
  'echo p r keys',
  'cd src && cat a.ts',
  'rg KEY',
];

describe('security: planted symlinks make a known-safe command ask', () => {
  for (const command of ASKS) {
    const needsProc = /\bp\b|selfenv|env1|\bs\/|\bd\//.test(command);
    it.skipIf(needsProc && !LINUX)(`${command} → ask (suggest and auto-edit)`, async () => {
      for (const mode of ['suggest', 'auto-edit'] as const) {
        const d = await actionOf(command, mode);
        expect(d.action, `${mode}: ${d.reason}`).toBe('ask');
      }
    });
  }
  for (const command of AUTO) {
    it(`${command} → auto`, async () => {
      const d = await actionOf(command);
      expect(d.action, d.reason).toBe('auto');
    });
  }

  it('the reason names the link and where it leads', async () => {
    const d = await actionOf('grep -r KEY p');
    expect(d.reason).toMatch(/p leads into \/proc/);
    expect((await actionOf('cat out/notes.txt')).reason).toMatch(/symlink out of the workspace/);
  });

  it('with CDPATH set, cd to a bare name may land anywhere: asks', () => {
    const argvs = [
      ['cd', '.ssh'],
      ['cat', 'id_ed25519'],
    ];
    expect(pathReachProblem(argvs, { cwd: ws, workspace: ws, env: { HOME: home, CDPATH: home } })).toMatch(
      /CDPATH/,
    );
    expect(
      pathReachProblem([['cd', './src']], { cwd: ws, workspace: ws, env: { HOME: home, CDPATH: home } }),
    ).toBe('');
    expect(pathReachProblem(argvs, { cwd: ws, workspace: ws, env: { HOME: home } })).toBe('');
  });

  it('a workdir inside the workspace is the base for relative paths', async () => {
    expect((await actionOf('cat up/self/environ', 'suggest', 'src/deep')).action).toBe('ask');
    expect((await actionOf('cat ../a.ts', 'suggest', 'src/deep')).action).toBe('auto');
  });

  it('allowDotenv lets a link to a dotenv file through (and nothing else)', () => {
    const real = [['cat', 'cfg']];
    expect(pathReachProblem(real, { cwd: ws, workspace: ws })).toMatch(/dotenv/);
    expect(pathReachProblem(real, { cwd: ws, workspace: ws, allowDotenv: true })).toBe('');
    expect(
      pathReachProblem([['cat', 'keys/id_ed25519']], { cwd: ws, workspace: ws, allowDotenv: true }),
    ).not.toBe('');
  });

  it('full-auto is not changed by it (the sandbox, when there is one, is the boundary there)', async () => {
    const call = await rt.prepare({
      callId: 'c',
      name: 'shell',
      arguments: JSON.stringify({ command: 'ls -R r', workdir: null, timeout_ms: null }),
    });
    if (!call.ok) throw new Error(call.output);
    const d = await decide(call, {
      mode: 'full-auto',
      sandbox: NO_SANDBOX,
      rules: { prefixes: [] },
      workspace: ws,
    });
    expect(d.action).toBe('auto');
  });

  it('an always-allow rule is checked the same way', async () => {
    const call = await rt.prepare({
      callId: 'c',
      name: 'shell',
      arguments: JSON.stringify({ command: 'npm run lint p/self/environ', workdir: null, timeout_ms: null }),
    });
    if (!call.ok) throw new Error(call.output);
    const rules = { prefixes: [['npm', 'run', 'lint']] };
    const d = await decide(call, { mode: 'suggest', sandbox: NO_SANDBOX, rules, workspace: ws });
    expect(d.action).toBe(LINUX ? 'ask' : 'auto');
  });
});

describe('security: the file tools and the grep fallback never follow a planted link out', () => {
  const refused: Array<[string, Record<string, unknown>]> = [
    ['read_file', { path: 'p/self/environ' }],
    ['read_file', { path: 'selfenv' }],
    ['read_file', { path: 'sh' }],
    ['read_file', { path: 'keys/id_ed25519' }],
    ['read_file', { path: 'out/notes.txt' }],
    ['read_file', { path: 'src/deep/up/self/environ' }],
    ['list_dir', { path: 'r' }],
    ['grep', { pattern: 'KEY', path: 'p' }],
    ['grep', { pattern: 'marker', path: 'out' }],
  ];
  for (const [tool, args] of refused) {
    it(`${tool} ${JSON.stringify(args)} is refused`, async () => {
      const call = await rt.prepare({ callId: 'c', name: tool, arguments: JSON.stringify(args) });
      expect(call.ok).toBe(false);
    });
  }

  it('a directory search from the root finds nothing behind the links', () => {
    const out = grepNode(ws, /marker|PRIVATE|KEY/, ws, 1000, undefined, [ws]).lines.join('\n');
    expect(out).not.toContain('PRIVATE-KEY-marker');
    expect(out).not.toContain('outside-marker');
    expect(out).not.toContain('dotenv-marker');
    expect(out).toContain('export const KEY');
  });
});
