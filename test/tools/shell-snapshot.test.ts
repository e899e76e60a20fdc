import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sanitizeEnv } from '../../src/tools/exec/env.js';
import { createShellLauncher, killAllToolProcesses, type ShellLauncher } from '../../src/tools/index.js';
import { BWRAP_SANDBOX, harness, tempDir } from './helpers.js';

afterAll(() => killAllToolProcesses('SIGKILL'));

const SECRET = 'sk-profilesecret0123456789abcdefXYZ';

/** A HOME whose login profile adds a PATH entry, a variable, a function, an alias and secrets. */
function fixtureHome(extra = ''): string {
  const home = tempDir('tether-snap-home-');
  mkdirSync(join(home, 'bin-extra'));
  writeFileSync(join(home, 'bin-extra', 'hello-tool'), '#!/bin/sh\necho hello-tool-ran\n', { mode: 0o755 });
  writeFileSync(
    join(home, '.bash_profile'),
    [
      'export PATH="$HOME/bin-extra:$PATH"',
      'export MY_TOOL_HOME="$HOME/tool dir"',
      'export QUOTED="it\'s \\"quoted\\" \\$HOME"',
      `export OPENAI_API_KEY=${SECRET}`,
      `export INNOCENT_NAME=${SECRET}`,
      'greet() { echo "hello from $1"; }',
      "alias ll='echo ll-alias-ran'",
      'shopt -s extglob',
      'echo "profile chatter on stdout"',
      extra,
    ].join('\n'),
  );
  return home;
}

function envFor(home: string): Record<string, string> {
  return sanitizeEnv({ ...process.env, HOME: home, SHELL: '/bin/bash' });
}

function launcher(home: string, over: { timeoutMs?: number; notices?: string[] } = {}): ShellLauncher {
  const notices = over.notices ?? [];
  return createShellLauncher({
    env: envFor(home),
    dir: join(home, 'data', 'shell-snapshots'),
    sessionId: 'sess-test',
    enabled: true,
    timeoutMs: over.timeoutMs ?? 5_000,
    onNotice: (m) => notices.push(m),
    shell: { path: '/bin/bash', kind: 'bash' },
  });
}

async function run(h: ReturnType<typeof harness>, command: string, opts: { sandboxed?: boolean } = {}) {
  return h.call('shell', { command, workdir: null, timeout_ms: null }, opts);
}

describe('shell snapshot', () => {
  it('carries PATH additions, variables, functions, aliases and options; no profile per command', async () => {
    const home = fixtureHome();
    const notices: string[] = [];
    const sl = launcher(home, { notices });
    sl.start();
    const h = harness({ env: envFor(home), shellLauncher: sl });
    const r = await run(
      h,
      'hello-tool; echo "mt=$MY_TOOL_HOME"; echo "q=$QUOTED"; greet snap; ll; shopt -q extglob && echo extglob-on',
    );
    expect(sl.state()).toBe('ready');
    expect(r.output).toContain('hello-tool-ran');
    expect(r.output).toContain(`mt=${home}/tool dir`);
    expect(r.output).toContain(`q=it's "quoted" $HOME`);
    expect(r.output).toContain('hello from snap');
    expect(r.output).toContain('ll-alias-ran');
    expect(r.output).toContain('extglob-on');
    // The profile did not run again: its stdout chatter is absent.
    expect(r.output).not.toContain('profile chatter');
    expect(notices).toEqual([]);
    const dir = join(home, 'data', 'shell-snapshots');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const file = join(dir, files[0] as string);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    sl.dispose();
    expect(existsSync(file)).toBe(false);
  });

  it('defines only the functions a command can reach (named, through an alias, or called by one)', async () => {
    const home = fixtureHome(
      ['helper_a() { echo "helper a"; }', 'uses_a() { helper_a; echo uses; }', "alias ua='uses_a'"].join(
        '\n',
      ),
    );
    const sl = launcher(home);
    const script = async (cmd: string) => (await sl.invocation(cmd)).args[1] ?? '';
    const plain = await script('echo hi');
    expect(plain).not.toMatch(/greet \(\)|helper_a \(\)|uses_a \(\)/);
    expect(await script('greet x')).toMatch(/greet \(\)/);
    const viaAlias = await script('ua');
    expect(viaAlias).toMatch(/uses_a \(\)/);
    expect(viaAlias).toMatch(/helper_a \(\)/);
    expect(viaAlias).not.toMatch(/greet \(\)/);
    const h = harness({ env: envFor(home), shellLauncher: sl });
    const r = await run(h, 'ua; echo "defined: $(compgen -A function | sort | tr "\\n" " ")"');
    expect(r.output).toContain('helper a');
    expect(r.output).toContain('uses');
    expect(r.output).toContain('defined: helper_a uses_a \n');
    sl.dispose();
  });

  it('never lets a secret the profile exports reach a command (by name or by value)', async () => {
    const home = fixtureHome();
    const sl = launcher(home);
    const h = harness({ env: envFor(home), shellLauncher: sl });
    const r = await run(h, 'env');
    expect(r.output).toContain('MY_TOOL_HOME=');
    expect(r.output).not.toContain(SECRET);
    expect(r.output).not.toContain('OPENAI_API_KEY');
    // login: forced login shell still drops secret-named variables.
    const inv = await sl.invocation('env', { login: true });
    expect(inv.args[0]).toBe('-lc');
    sl.dispose();
  });

  it('a command’s cd and export do not leak into the next command', async () => {
    const home = fixtureHome();
    const sl = launcher(home);
    const h = harness({ env: envFor(home), shellLauncher: sl });
    await run(h, 'mkdir -p sub && cd sub && export LEAK=1 && greet() { echo changed; }');
    const r = await run(h, 'pwd; echo "leak=[$LEAK]"; greet x');
    expect(r.output).toContain(`${h.ws}\n`);
    expect(r.output).toContain('leak=[]');
    expect(r.output).toContain('hello from x');
    sl.dispose();
  });

  it('a profile that exits before returning: a plain shell (a login shell would never run a command), one notice', async () => {
    const home = fixtureHome('exit 3');
    const notices: string[] = [];
    const sl = launcher(home, { notices });
    const h = harness({ env: envFor(home), shellLauncher: sl });
    const a = await run(h, 'echo "first $((1 + 1))"; echo "k=[$OPENAI_API_KEY]"');
    const b = await run(h, 'echo second');
    expect(sl.state()).toBe('plain');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/shell snapshot unavailable \(the login profile never returns \(exit 3/);
    expect(notices[0]).toMatch(/plain bash without your profile/);
    // Before: the login-shell fallback exited 3 with the profile, so no command ever ran.
    expect(a.exitCode).toBe(0);
    expect(a.output).toContain('first 2');
    expect(a.output).toContain('k=[]');
    expect(b.output).toContain('second');
    const dir = join(home, 'data', 'shell-snapshots');
    expect(existsSync(dir) ? readdirSync(dir) : []).toHaveLength(0);
    // login: true still asks for the login shell explicitly.
    expect((await sl.invocation('true', { login: true })).args[0]).toBe('-lc');
    sl.dispose();
  });

  it('a profile that execs another shell (`exec sh` at its end): commands still run, in a plain shell', async () => {
    const home = fixtureHome('exec /bin/sh');
    const notices: string[] = [];
    const sl = launcher(home, { notices });
    const h = harness({ env: envFor(home), shellLauncher: sl });
    const r = await run(h, 'echo "ran $((2 * 3))"');
    expect(r.output).toContain('ran 6');
    expect(sl.state()).toBe('plain');
    expect(notices).toEqual([expect.stringMatching(/never returns \(exit 0/)]);
    sl.dispose();
  });

  it('a profile that leaves a background job holding stdout does not stall the capture', async () => {
    // An agent started from the profile (`some-agent &`) keeps the capture's pipes open.
    const home = fixtureHome('sleep 30 &');
    const notices: string[] = [];
    const sl = launcher(home, { notices, timeoutMs: 10_000 });
    const started = Date.now();
    const inv = await sl.invocation('greet bg');
    expect(Date.now() - started).toBeLessThan(5_000); // before: until the job ended or the limit
    expect(sl.state()).toBe('ready');
    expect(inv.args[0]).toBe('-c');
    expect(notices).toEqual([]);
    sl.dispose();
  });

  it('a profile that prints without end is stopped at the output cap (tether’s memory stays bounded)', async () => {
    // 40 MB on stdout once (a profile that cats a big file); the capture keeps at most 16 MiB.
    const home = fixtureHome('head -c 40000000 /dev/zero | tr "\\0" x');
    const notices: string[] = [];
    const sl = launcher(home, { notices, timeoutMs: 20_000 });
    const inv = await sl.invocation('true');
    expect(sl.state()).toBe('login');
    expect(inv.args[0]).toBe('-lc');
    expect(notices).toEqual([expect.stringMatching(/printed more than 16 MiB/)]);
    sl.dispose();
  });

  it('a profile with `set -euo pipefail` still yields a snapshot, and its errexit does not reach commands', async () => {
    const home = fixtureHome('set -euo pipefail');
    const notices: string[] = [];
    const sl = launcher(home, { notices });
    const h = harness({ env: envFor(home), shellLauncher: sl });
    const r = await run(h, 'false; echo "after false"; greet strict; hello-tool');
    expect(sl.state()).toBe('ready');
    expect(notices).toEqual([]);
    expect(r.output).toContain('after false');
    expect(r.output).toContain('hello from strict');
    expect(r.output).toContain('hello-tool-ran');
    sl.dispose();
  });

  it('BASH_ENV from the profile is not carried: it would re-export filtered secrets before every command', async () => {
    const home = fixtureHome('export BASH_ENV="$HOME/bash-env"');
    writeFileSync(join(home, 'bash-env'), `export OPENAI_API_KEY=${SECRET}\necho bash-env-ran\n`);
    const sl = launcher(home);
    const h = harness({ env: envFor(home), shellLauncher: sl });
    const r = await run(h, 'echo "k=[$OPENAI_API_KEY] be=[$BASH_ENV]"');
    expect(sl.state()).toBe('ready');
    expect(r.output).toContain('k=[] be=[]');
    expect(r.output).not.toContain('bash-env-ran');
    expect(r.output).not.toContain(SECRET);
    sl.dispose();
  });

  it('a hanging profile falls back after the limit with one notice; commands still run', async () => {
    const home = fixtureHome('[ -f "$HOME/hang" ] && sleep 30');
    writeFileSync(join(home, 'hang'), '');
    const notices: string[] = [];
    const sl = launcher(home, { notices, timeoutMs: 400 });
    sl.start();
    const inv = await sl.invocation('true');
    expect(inv.args[0]).toBe('-lc');
    expect(sl.state()).toBe('login');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/took longer than 400 ms/);
    rmSync(join(home, 'hang'));
    const h = harness({ env: envFor(home), shellLauncher: sl });
    const r = await run(h, 'greet fallback; echo "k=[$OPENAI_API_KEY]"');
    expect(r.output).toContain('hello from fallback');
    expect(r.output).toContain('k=[]');
    expect(notices).toHaveLength(1);
    sl.dispose();
  });

  it('renew (/new): the old file goes, a capture still running is killed, the new session gets its own file', async () => {
    // The first capture hangs (and records its pid); the second one is quick.
    const home = fixtureHome(
      'if [ ! -f "$HOME/once" ]; then : > "$HOME/once"; echo $$ > "$HOME/pid1"; sleep 30; fi',
    );
    const notices: string[] = [];
    const sl = launcher(home, { notices, timeoutMs: 20_000 });
    const dir = join(home, 'data', 'shell-snapshots');
    sl.start();
    const pidFile = join(home, 'pid1');
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 25));
    const pid1 = Number(readFileSync(pidFile, 'utf8'));
    sl.renew('sess-two');
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 80 && alive(pid1); i++) await new Promise((r) => setTimeout(r, 25));
    expect(alive(pid1), 'the superseded capture was killed').toBe(false);
    const inv = await sl.invocation('greet two');
    expect(sl.state()).toBe('ready');
    expect(inv.args[0]).toBe('-c');
    expect(readdirSync(dir)).toEqual([`sess-two.${process.pid}.sh`]);
    const first = sl.file() as string;
    sl.renew('sess-three');
    expect(existsSync(first)).toBe(false);
    await sl.invocation('true');
    expect(readdirSync(dir)).toEqual([`sess-three.${process.pid}.sh`]);
    expect(notices).toEqual([]);
    sl.dispose();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('off: every command is a login shell, no file is written', async () => {
    const home = fixtureHome();
    const sl = createShellLauncher({
      env: envFor(home),
      dir: join(home, 'data', 'shell-snapshots'),
      sessionId: 's',
      enabled: false,
      timeoutMs: 5000,
    });
    sl.start();
    const inv = await sl.invocation('true');
    expect(inv.args[0]).toBe('-lc');
    expect(existsSync(join(home, 'data'))).toBe(false);
  });

  it('removes snapshot files of processes that are gone', async () => {
    const home = fixtureHome();
    const dir = join(home, 'data', 'shell-snapshots');
    mkdirSync(dir, { recursive: true });
    // pid 2^22+1 is above Linux's pid_max: never alive.
    writeFileSync(join(dir, 'old.4194305.sh'), 'export X=1\n');
    const sl = launcher(home);
    await sl.invocation('true');
    expect(readdirSync(dir)).toEqual([expect.stringMatching(new RegExp(`\\.${process.pid}\\.sh$`))]);
    sl.dispose();
  });

  it('works inside the bubblewrap sandbox, even with the data dir under /tmp', async () => {
    if (!existsSync('/usr/bin/bwrap') && process.env['CI'] !== 'true') return;
    const home = fixtureHome();
    expect(home.startsWith('/tmp/')).toBe(true);
    const sl = launcher(home);
    const h = harness({ env: envFor(home), shellLauncher: sl, sandbox: BWRAP_SANDBOX });
    // HOME itself is under the sandbox's private /tmp: only the snapshot file is bound in.
    const r = await run(h, 'echo "path=$PATH"; greet box; ll', { sandboxed: true });
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain(`path=${home}/bin-extra:`);
    expect(r.output).toContain('hello from box');
    expect(r.output).toContain('ll-alias-ran');
    sl.dispose();
  });
});

describe('process exit hooks', () => {
  it('many live snapshots share one process exit listener; dispose unregisters and removes each file', async () => {
    const { exitHookCount } = await import('../../src/util/exit-hooks.js');
    const home = fixtureHome();
    const before = process.listenerCount('exit');
    const hooksBefore = exitHookCount();
    const launchers = Array.from({ length: 12 }, (_, i) =>
      createShellLauncher({
        env: envFor(home),
        dir: join(home, 'data', 'shell-snapshots'),
        sessionId: `sess-many-${i}`,
        enabled: true,
        timeoutMs: 5_000,
        shell: { path: '/bin/bash', kind: 'bash' },
      }),
    );
    await Promise.all(launchers.map((l) => l.invocation('true')));
    expect(launchers.every((l) => l.state() === 'ready')).toBe(true);
    // Twelve sessions: at most the one shared listener (before: one per session, so Node warned at 11).
    expect(process.listenerCount('exit') - before).toBeLessThanOrEqual(1);
    expect(exitHookCount() - hooksBefore).toBe(12);
    for (const l of launchers) l.dispose();
    expect(exitHookCount()).toBe(hooksBefore);
    expect(readdirSync(join(home, 'data', 'shell-snapshots'))).toEqual([]);
  });
});
