import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createShellLauncher, type ShellLauncher, sanitizeEnv } from '../../src/tools/index.js';
import { createNodeServices, historyPath, parseHistory } from '../../src/ui/services/node-services.js';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

function services(
  cwd: string,
  home = tmp('tether-ui-home-'),
  shell?: (env: NodeJS.ProcessEnv) => ShellLauncher,
) {
  const out = new PassThrough();
  let written = '';
  out.on('data', (d: Buffer) => (written += d.toString()));
  const env = {
    ...process.env,
    TETHER_HOME: home,
    HOME: home,
    SHELL: '/bin/bash',
    TMUX: undefined,
    OPENAI_API_KEY: 'sk-tether-own-key-0123456789abcdef',
  };
  return {
    s: createNodeServices({ cwd, env, stdout: out, ...(shell ? { shell: shell(env) } : {}) }),
    env,
    written: () => written,
  };
}

const PROFILE_SECRET = 'sk-profilesecret0123456789abcdefXYZ';

/** A HOME whose .bash_profile adds a PATH entry, a function, an alias, a secret, chatter, and counts its runs. */
function profileHome(extra = ''): string {
  const home = tmp('tether-ui-prof-');
  mkdirSync(join(home, 'bin-extra'));
  writeFileSync(join(home, 'bin-extra', 'hello-tool'), '#!/bin/sh\necho hello-tool-ran\n', { mode: 0o755 });
  writeFileSync(
    join(home, '.bash_profile'),
    [
      'echo run >> "$HOME/profile-runs"',
      'export PATH="$HOME/bin-extra:$PATH"',
      `export OPENAI_API_KEY=${PROFILE_SECRET}`,
      `export GH_TOKEN=${PROFILE_SECRET}`,
      'greet() { echo "hello from $1"; }',
      "alias ll='echo ll-alias-ran'",
      'echo "profile chatter on stdout"',
      extra,
    ].join('\n'),
  );
  return home;
}

const launchers: ShellLauncher[] = [];
afterAll(() => {
  for (const l of launchers.splice(0)) l.dispose(); // kills a capture still running
});

function snapshotLauncher(timeoutMs = 5_000) {
  return (env: NodeJS.ProcessEnv) => {
    const l = createShellLauncher({
      env: sanitizeEnv(env),
      dir: join(String(env['HOME']), 'snaps'),
      sessionId: 'ui-test',
      enabled: true,
      timeoutMs,
      shell: { path: '/bin/bash', kind: 'bash' },
    });
    launchers.push(l);
    return l;
  };
}

describe('node services', () => {
  it('git diff of a repository; a clear error outside one', async () => {
    const repo = tmp('tether-ui-git-');
    const git = (...a: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...a], { cwd: repo });
    git('init', '-q');
    writeFileSync(join(repo, 'a.txt'), 'one\n');
    git('add', '.');
    git('commit', '-qm', 'init');
    writeFileSync(join(repo, 'a.txt'), 'two\n');
    const { s } = services(repo);
    const diff = await s.gitDiff();
    expect(diff).toContain('-one');
    expect(diff).toContain('+two');
    expect(await s.listFiles()).toEqual(['a.txt']);
    await expect(services(tmp('tether-ui-nogit-')).s.gitDiff()).rejects.toThrow(/not a git repository/);
  });

  it('persists history per project, tolerating a torn line', async () => {
    const home = tmp('tether-ui-home-');
    const a = services('/project/a', home);
    a.s.appendHistory('first');
    a.s.appendHistory('multi\nline');
    expect(await a.s.loadHistory()).toEqual(['first', 'multi\nline']);
    expect(await services('/project/b', home).s.loadHistory()).toEqual([]);
    writeFileSync(
      historyPath('/project/a', a.env),
      `${readFileSync(historyPath('/project/a', a.env), 'utf8')}"torn`,
    );
    expect(await a.s.loadHistory()).toEqual(['first', 'multi\nline']);
    expect(parseHistory('"a"\n{"x":1}\n"b"\n')).toEqual(['a', 'b']);
  });

  it('runs !commands and kills them (with their group) on abort', async () => {
    const { s } = services(tmp('tether-ui-sh-'));
    expect(await s.runShell('echo hi; echo err >&2; exit 3', new AbortController().signal)).toEqual({
      output: 'hi\nerr\n',
      exitCode: 3,
    });
    const abort = new AbortController();
    const started = Date.now();
    const p = s.runShell('sleep 30 & sleep 30; wait', abort.signal);
    setTimeout(() => abort.abort(), 200);
    const r = await p;
    expect(r.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('!cmd runs through the session’s shell snapshot: profile functions, aliases, PATH; no secret; the profile runs once', async () => {
    const home = profileHome();
    const { s } = services(tmp('tether-ui-snap-'), home, snapshotLauncher());
    const sig = new AbortController().signal;
    const r = await s.runShell(
      'greet world; ll; hello-tool; echo "keys=[$OPENAI_API_KEY][$GH_TOKEN]"; echo "pager=$PAGER"',
      sig,
    );
    expect(r.exitCode).toBe(0);
    expect(r.output).toBe('hello from world\nll-alias-ran\nhello-tool-ran\nkeys=[][]\npager=cat\n');
    const again = await s.runShell('greet again', sig);
    expect(again.output).toBe('hello from again\n');
    // Once for the capture, never per command (a login shell per command would count 3).
    expect(readFileSync(join(home, 'profile-runs'), 'utf8')).toBe('run\n');
  });

  it('!cmd without a snapshot runs a login shell with the profile’s secrets scrubbed', async () => {
    const home = profileHome();
    const { s } = services(tmp('tether-ui-login-'), home);
    const r = await s.runShell(
      'greet x; echo "keys=[$OPENAI_API_KEY][$GH_TOKEN]"',
      new AbortController().signal,
    );
    expect(r.output).toContain('hello from x');
    expect(r.output).toContain('keys=[][]');
    expect(r.output).not.toContain(PROFILE_SECRET);
    expect(r.output).not.toContain('sk-tether-own-key');
  });

  it('Esc while a hanging profile is still being captured: the command never starts', async () => {
    const home = profileHome('sleep 30');
    const { s } = services(tmp('tether-ui-hang-'), home, snapshotLauncher(20_000));
    const abort = new AbortController();
    const started = Date.now();
    const p = s.runShell(`touch "${join(home, 'ran')}"`, abort.signal);
    setTimeout(() => abort.abort(), 300);
    // The capture's own limit is 20 s: Esc does not wait for it.
    const r = await p;
    expect(r.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
    await new Promise((res) => setTimeout(res, 200));
    expect(existsSync(join(home, 'ran'))).toBe(false);
  }, 30_000);

  it('copies through OSC 52', () => {
    const x = services(tmp('tether-ui-copy-'));
    x.s.copy('héllo');
    expect(x.written()).toBe(`\x1b]52;c;${Buffer.from('héllo').toString('base64')}\x07`);
  });
});
