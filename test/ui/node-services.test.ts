import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createNodeServices, historyPath, parseHistory } from '../../src/ui/services/node-services.js';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

function services(cwd: string, home = tmp('tether-ui-home-')) {
  const out = new PassThrough();
  let written = '';
  out.on('data', (d: Buffer) => (written += d.toString()));
  const env = { ...process.env, TETHER_HOME: home, HOME: home, TMUX: undefined };
  return { s: createNodeServices({ cwd, env, stdout: out }), env, written: () => written };
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

  it('copies through OSC 52', () => {
    const x = services(tmp('tether-ui-copy-'));
    x.s.copy('héllo');
    expect(x.written()).toBe(`\x1b]52;c;${Buffer.from('héllo').toString('base64')}\x07`);
  });
});
