/**
 * The shell snapshot with `$SHELL` = zsh: a fixture `.zprofile` (PATH addition, a function, an
 * alias, an option, exported secrets, stdout chatter), and broken/hanging profiles that fall
 * back to a login zsh with one notice. zsh is installed by .ci/install-system-deps.sh: in CI a
 * missing zsh fails these tests instead of skipping them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sanitizeEnv } from '../../src/tools/exec/env.js';
import { pickShell } from '../../src/tools/exec/shell-snapshot.js';
import { createShellLauncher, killAllToolProcesses, type ShellLauncher } from '../../src/tools/index.js';
import { harness, tempDir } from './helpers.js';

const ZSH = ['/usr/bin/zsh', '/bin/zsh'].find((p) => existsSync(p));
const SECRET = 'sk-zshprofilesecret0123456789abcdefXYZ';
const launchers: ShellLauncher[] = [];
afterAll(() => {
  for (const l of launchers.splice(0)) l.dispose();
  killAllToolProcesses('SIGKILL');
});

function zshHome(extra = ''): string {
  const home = tempDir('tether-zsh-home-');
  mkdirSync(join(home, 'bin-extra'));
  writeFileSync(join(home, 'bin-extra', 'hello-tool'), '#!/bin/sh\necho hello-tool-ran\n', { mode: 0o755 });
  writeFileSync(
    join(home, '.zprofile'),
    [
      'print run >> "$HOME/profile-runs"',
      'export PATH="$HOME/bin-extra:$PATH"',
      'export MY_TOOL_HOME="$HOME/tool dir"',
      `export OPENAI_API_KEY=${SECRET}`,
      `export INNOCENT_NAME=${SECRET}`,
      'greet() { print -r -- "hello from $1"; }',
      "alias ll='print ll-alias-ran'",
      'setopt extendedglob',
      'print "profile chatter on stdout"',
      extra,
    ].join('\n'),
  );
  return home;
}

function setup(home: string, over: { timeoutMs?: number } = {}) {
  const env = sanitizeEnv({ ...process.env, HOME: home, ZDOTDIR: home, SHELL: ZSH ?? '/bin/zsh' });
  const notices: string[] = [];
  const sl = createShellLauncher({
    env,
    dir: join(home, 'data', 'shell-snapshots'),
    sessionId: 'zsh-test',
    enabled: true,
    timeoutMs: over.timeoutMs ?? 5_000,
    onNotice: (m) => notices.push(m),
  });
  launchers.push(sl);
  const h = harness({ env, shellLauncher: sl });
  const run = (command: string) => h.call('shell', { command, workdir: null, timeout_ms: null });
  return { sl, notices, run, env };
}

/** zsh must be there in CI (installed by .ci/install-system-deps.sh); locally its absence skips. */
function needZsh(): boolean {
  if (ZSH) return true;
  if (process.env['CI'] === 'true')
    throw new Error('zsh is not installed (.ci/install-system-deps.sh installs it)');
  return false;
}

describe('shell snapshot with zsh', () => {
  it('$SHELL=zsh is picked; PATH additions, functions, aliases and options carry over; secrets never do', async () => {
    if (!needZsh()) return;
    const home = zshHome();
    const { sl, notices, run, env } = setup(home);
    expect(pickShell(env)).toEqual({ path: ZSH, kind: 'zsh' });
    const r = await run(
      'hello-tool; echo "mt=$MY_TOOL_HOME"; greet zsh; ll; [[ -o extendedglob ]] && echo eg-on; echo "k=[$OPENAI_API_KEY][$INNOCENT_NAME]"; echo "shell=$ZSH_NAME"',
    );
    expect(r.output).toContain('hello-tool-ran');
    expect(r.output).toContain(`mt=${home}/tool dir`);
    expect(r.output).toContain('hello from zsh');
    expect(r.output).toContain('ll-alias-ran');
    expect(r.output).toContain('eg-on');
    expect(r.output).toContain('k=[][]');
    expect(r.output).toContain('shell=zsh');
    expect(r.output).not.toContain('profile chatter');
    expect(sl.state()).toBe('ready');
    expect(notices).toEqual([]);
    const dir = join(home, 'data', 'shell-snapshots');
    const file = join(dir, readdirSync(dir)[0] as string);
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    await run('greet again');
    expect(readFileSync(join(home, 'profile-runs'), 'utf8')).toBe('run\n');
  });

  it('~/.zshrc (where nvm/pyenv/oh-my-zsh put PATH, aliases, functions) is captured too, secrets filtered', async () => {
    if (!needZsh()) return;
    const home = zshHome();
    mkdirSync(join(home, 'rc-bin'));
    writeFileSync(join(home, 'rc-bin', 'rc-tool'), '#!/bin/sh\necho rc-tool-ran\n', { mode: 0o755 });
    writeFileSync(
      join(home, '.zshrc'),
      [
        'export PATH="$HOME/rc-bin:$PATH"',
        `export RC_TOKEN=${SECRET}`,
        "alias gs='print gs-alias-ran'",
        'rcfn() { print "rcfn $1"; }',
        'print "zshrc chatter"',
      ].join('\n'),
    );
    const { sl, notices, run } = setup(home);
    const r = await run('rc-tool; gs; rcfn x; greet y; echo "t=[$RC_TOKEN]"');
    expect(sl.state()).toBe('ready');
    expect(notices).toEqual([]);
    expect(r.output).toContain('rc-tool-ran');
    expect(r.output).toContain('gs-alias-ran');
    expect(r.output).toContain('rcfn x');
    expect(r.output).toContain('hello from y');
    expect(r.output).toContain('t=[]');
    expect(r.output).not.toContain('zshrc chatter');
    expect(r.output).not.toContain(SECRET);
  });

  it('a command’s cd and export do not leak into the next (zsh)', async () => {
    if (!needZsh()) return;
    const { run } = setup(zshHome());
    await run('cd /; export LEAK=yes');
    const r = await run('echo "pwd=$PWD leak=[$LEAK]"');
    expect(r.output).not.toContain('pwd=/ ');
    expect(r.output).toContain('leak=[]');
  });

  it('a zsh profile that exits before returning: a plain zsh runs the commands, one notice', async () => {
    if (!needZsh()) return;
    const home = zshHome('exit 3');
    const { sl, notices, run } = setup(home);
    const r = await run('echo "ran $((1 + 1)) k=[$OPENAI_API_KEY]"');
    expect(sl.state()).toBe('plain');
    expect(notices).toEqual([expect.stringMatching(/login profile never returns \(exit 3/)]);
    expect(r.output).toContain('ran 2 k=[]');
    expect(r.output).not.toContain(SECRET);
  });

  it('~/.zshenv (read by every zsh, -c included) does not bring a filtered secret back', async () => {
    if (!needZsh()) return;
    const home = zshHome();
    writeFileSync(join(home, '.zshenv'), `export GH_TOKEN=${SECRET}\nprint zshenv-ran\n`);
    const { sl, run } = setup(home);
    const r = await run('echo "gh=[$GH_TOKEN]"; greet env');
    expect(sl.state()).toBe('ready');
    expect(r.output).toContain('gh=[]');
    expect(r.output).toContain('hello from env');
    expect(r.output).not.toContain('zshenv-ran');
    expect(r.output).not.toContain(SECRET);
  });

  it('a hanging zsh profile falls back after the limit with one notice', async () => {
    if (!needZsh()) return;
    const home = zshHome('[[ -f "$HOME/hang" ]] && sleep 30');
    writeFileSync(join(home, 'hang'), '');
    const { sl, notices } = setup(home, { timeoutMs: 400 });
    const started = Date.now();
    const inv = await sl.invocation('true');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(inv.args[0]).toBe('-lc');
    expect(sl.state()).toBe('login');
    expect(notices).toEqual([expect.stringMatching(/took longer than 400 ms/)]);
  });
});
