import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ExecSessionManager } from '../../src/tools/exec/exec-sessions.js';
import { killAllToolProcesses } from '../../src/tools/index.js';
import type { ToolResult } from '../../src/tools/types.js';
import { harness, SETTINGS, testEnv } from './helpers.js';
import { processTree, survivors } from './proc.js';

afterAll(() => killAllToolProcesses('SIGKILL'));

const managers: ExecSessionManager[] = [];
afterEach(() => {
  for (const m of managers.splice(0)) m.endAll('test over');
});

function execHarness(exec?: { maxSessions?: number; bufferChars?: number; notices?: string[] }) {
  const notices = exec?.notices ?? [];
  const h = harness({
    env: testEnv(),
    profile: 'codex',
    exec: {
      maxSessions: exec?.maxSessions ?? 8,
      bufferChars: exec?.bufferChars ?? 1_000_000,
      onNotice: (m) => notices.push(m),
    },
  });
  const m = h.rt.execSessions as ExecSessionManager;
  managers.push(m);
  const exec_ = (cmd: string, more: Record<string, unknown> = {}) =>
    h.call('exec_command', {
      cmd,
      workdir: null,
      yield_time_ms: null,
      max_output_tokens: null,
      tty: null,
      login: null,
      shell: null,
      ...more,
    });
  const write = (session_id: number, chars: string, more: Record<string, unknown> = {}) =>
    h.call('write_stdin', { session_id, chars, yield_time_ms: null, max_output_tokens: null, ...more });
  return { h, m, exec: exec_, write, notices };
}

function sessionId(r: ToolResult): number {
  const m = /Process running with session ID (\d+)/.exec(r.output);
  if (!m) throw new Error(`not running: ${r.output}`);
  return Number(m[1]);
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

describe('exec_command / write_stdin', () => {
  it('a command that ends within the yield time answers with output and exit code', async () => {
    const { exec, m } = execHarness();
    const r = await exec('echo hi; echo err >&2; exit 4');
    expect(r.output).toMatch(/^Wall time: [\d.]+ seconds\nProcess exited with code 4\nOutput:\n/);
    expect(r.output).toContain('hi');
    expect(r.output).toContain('err');
    expect(r.exitCode).toBe(4);
    expect(r.status).toBe('error');
    expect(m.count()).toBe(0);
  });

  it('a server started with exec_command answers a request in a later call', async () => {
    const { exec, write, m } = execHarness();
    const server =
      "node -e \"require('http').createServer((q,s)=>s.end('pong '+q.url)).listen(0,'127.0.0.1',function(){console.log('port='+this.address().port)})\"";
    const r1 = await exec(server, { yield_time_ms: 1500 });
    const id = sessionId(r1);
    expect(r1.status).toBe('ok');
    expect(r1.exitCode).toBeUndefined();
    const port = /port=(\d+)/.exec(r1.output)?.[1];
    expect(port).toBeDefined();
    expect(m.list().map((s) => s.id)).toEqual([id]);
    const r2 = await exec(`curl -s http://127.0.0.1:${port}/hello`);
    expect(r2.output).toContain('pong /hello');
    expect(r2.exitCode).toBe(0);
    // Still running; an empty poll says so.
    const r3 = await write(id, '');
    expect(r3.output).toContain(`Process running with session ID ${id}`);
    // Interrupt it.
    const r4 = await write(id, '\u0003', { yield_time_ms: 2000 });
    expect(r4.output).toMatch(/Process exited with code (130|2)/);
    expect(m.count()).toBe(0);
    const r5 = await write(id, '');
    expect(r5.status).toBe('error');
    expect(r5.output).toMatch(/no session \d+/);
  });

  it('without tty there is no stdin: a stdin reader ends at once, input is refused with a note', async () => {
    const { exec, write } = execHarness();
    // `cat` with no file reads stdin: with a pipe held open it would wait for ever.
    const r1 = await exec('cat; echo cat-done');
    expect(r1.output).toContain('cat-done');
    expect(r1.output).toContain('Process exited with code 0');
    const id = sessionId(await exec('sleep 30', { yield_time_ms: 250 }));
    const r2 = await write(id, 'hello\n');
    expect(r2.output).toMatch(/started without tty, so it has no stdin; the input was not delivered/);
    expect(r2.output).toContain(`Process running with session ID ${id}`);
  });

  it('tty: write_stdin drives a REPL, and end-of-input (Ctrl-D) ends it', async () => {
    const { exec, write } = execHarness();
    const id = sessionId(await exec('python3 -q', { tty: true, yield_time_ms: 1000 }));
    const r2 = await write(id, 'x = 5\rprint(x * 3)\r', { yield_time_ms: 1500 });
    expect(r2.output).toContain('15');
    const r3 = await write(id, '\u0004', { yield_time_ms: 3000 });
    expect(r3.output).toContain('Process exited with code 0');
  });

  it('tty: a REPL under a pseudo-terminal; Ctrl-C interrupts the statement, not the REPL', async () => {
    const { exec, write } = execHarness();
    const r1 = await exec('python3 -q', { tty: true, yield_time_ms: 1000 });
    expect(r1.output).not.toMatch(/not supported/);
    const id = sessionId(r1);
    expect(r1.output).toContain('>>>');
    const r2 = await write(id, 'import sys; print(sys.stdin.isatty(), 6*7)\r', { yield_time_ms: 1500 });
    expect(r2.output).toContain('True 42');
    await write(id, 'import time; time.sleep(60)\r', { yield_time_ms: 300 });
    const r3 = await write(id, '\u0003', { yield_time_ms: 1500 });
    expect(r3.output).toContain('KeyboardInterrupt');
    expect(r3.output).toContain(`Process running with session ID ${id}`);
    const r4 = await write(id, 'exit()\r', { yield_time_ms: 3000 });
    expect(r4.output).toContain('Process exited with code 0');
  });

  it('an interrupted turn stops the first wait of a command (it is ended), not a session being polled', async () => {
    const { h, m, exec } = execHarness();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await h.call(
      'exec_command',
      {
        cmd: 'sleep 30',
        workdir: null,
        yield_time_ms: 10_000,
        max_output_tokens: null,
        tty: null,
        login: null,
        shell: null,
      },
      { signal: ac.signal },
    );
    expect(r.status).toBe('aborted');
    expect(m.count()).toBe(0);
    const bg = await exec('sleep 30', { yield_time_ms: 250 });
    const id = sessionId(bg);
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 200);
    const w = await h.call(
      'write_stdin',
      { session_id: id, chars: '', yield_time_ms: 10_000, max_output_tokens: null },
      { signal: ac2.signal },
    );
    expect(w.status).toBe('aborted');
    expect(m.list().map((s) => s.id)).toEqual([id]);
  });

  it('bounds: beyond execMaxSessions the least recently used session is ended with a notice', async () => {
    const notices: string[] = [];
    const { exec, write, m } = execHarness({ maxSessions: 2, notices });
    const a = sessionId(await exec('sleep 30', { yield_time_ms: 250 }));
    const b = sessionId(await exec('sleep 31', { yield_time_ms: 250 }));
    await write(a, ''); // a is now more recently used than b
    const r = await exec('sleep 32', { yield_time_ms: 250 });
    const c = sessionId(r);
    expect(r.output).toContain(`process ${b} (sleep 31) was ended`);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`ended process ${b}`);
    expect(
      m
        .list()
        .map((s) => s.id)
        .sort(),
    ).toEqual([a, c].sort());
  });

  it('huge output is bounded per session (head + tail) and capped per reply', async () => {
    const { exec, write } = execHarness({ bufferChars: 10_000 });
    const r1 = await exec('seq 1 2000000; sleep 30', { yield_time_ms: 3000 });
    const id = sessionId(r1);
    expect(r1.output.length).toBeLessThan(12_000);
    expect(r1.output).toMatch(/\n1\n2\n3\n/);
    expect(r1.output).toMatch(/characters of output omitted/);
    expect(r1.output).toContain('2000000');
    // The whole output (not just head + tail) is in a spill file the model can read.
    const spill = /saved to (\S+); read it with read_file/.exec(r1.output)?.[1];
    expect(spill).toBeDefined();
    expect(r1.spillPath).toBe(spill);
    expect(readFileSync(spill as string, 'utf8')).toContain('\n1000000\n');
    const r2 = await write(id, '', { max_output_tokens: 100 });
    expect(r2.output.length).toBeLessThan(700);
  });

  it('binary output reaches the model as text without control bytes', async () => {
    const { exec } = execHarness();
    const r = await exec('head -c 4000 /dev/urandom; printf "\\0\\1\\2end"');
    expect(r.output).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f]/);
    expect(r.output).toContain('end');
    expect(r.output).toMatch(/binary control bytes shown as/);
  });

  it('a process that closes its output but keeps running stays a session; ending it leaves nothing', async () => {
    const { exec, m } = execHarness();
    const r = await exec('exec >/dev/null 2>&1; sleep 30', { yield_time_ms: 500 });
    const id = sessionId(r);
    const s = m.get(id);
    expect(s).toBeDefined();
    const tree = processTree(s?.pid as number);
    expect(tree.length).toBeGreaterThan(0);
    m.end(id);
    expect(await until(() => survivors(tree).length === 0, 5000)).toBe(true);
  });

  it('ending sessions takes their whole tree, nohup and setsid children included', async () => {
    const { exec, m } = execHarness();
    const ids = [
      sessionId(
        await exec('nohup sleep 101 >/dev/null 2>&1 & setsid sleep 102 & sleep 103', { yield_time_ms: 500 }),
      ),
      sessionId(await exec('setsid sh -c "sleep 104" & wait', { yield_time_ms: 500 })),
    ];
    const trees = ids.flatMap((id) => processTree(m.get(id)?.pid as number));
    const cmds = trees.map((p) => p.cmdline.replace(/\0/g, ' ').trim());
    for (const n of [101, 102, 103, 104]) expect(cmds.some((c) => c.includes(`sleep ${n}`))).toBe(true);
    const ended = m.endAll('session over');
    expect(ended.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(await until(() => survivors(trees).length === 0, 5000)).toBe(true);
  });

  it('a setsid/double-forked child of a session that already exited is swept by endAll (/new, end of run)', async () => {
    const { exec, m } = execHarness();
    const r = await exec('(setsid sleep 106 >/dev/null 2>&1 &) ; echo started');
    expect(r.output).toContain('Process exited with code 0');
    expect(m.count()).toBe(0);
    const orphan = () => processTree(1).filter((p) => p.cmdline.replace(/\0/g, ' ').trim() === 'sleep 106');
    expect(await until(() => orphan().length === 1, 3000)).toBe(true);
    const found = orphan();
    m.endAll('new session');
    expect(await until(() => survivors(found).length === 0, 5000)).toBe(true);
  });

  it('refuses an unknown session id with the list of running ones; ids are not sequential', async () => {
    const { exec, write } = execHarness();
    const a = sessionId(await exec('sleep 30', { yield_time_ms: 250 }));
    const b = sessionId(await exec('sleep 30', { yield_time_ms: 250 }));
    expect(Math.abs(a - b)).not.toBe(1);
    const r = await write(a + b, 'x');
    expect(r.status).toBe('error');
    expect(r.output).toContain(`Running sessions: ${a} (sleep 30), ${b} (sleep 30)`);
  });

  it('input to a finished session is not delivered; its last output and exit code are', async () => {
    const { exec, write } = execHarness();
    const id = sessionId(await exec('sleep 0.5; echo bye; exit 7', { yield_time_ms: 250 }));
    await new Promise((r) => setTimeout(r, 900));
    const r = await write(id, 'hello\n');
    expect(r.output).toContain('input was not delivered');
    expect(r.output).toContain('bye');
    expect(r.output).toContain('Process exited with code 7');
    expect(r.exitCode).toBe(7);
  });

  it('rejects a non-shell `shell` and an empty cmd before running anything', async () => {
    const { h } = execHarness();
    const p = await h.rt.prepare({
      callId: 'x',
      name: 'exec_command',
      arguments: JSON.stringify({
        cmd: 'print(1)',
        workdir: null,
        yield_time_ms: null,
        max_output_tokens: null,
        tty: null,
        login: null,
        shell: 'python3',
      }),
    });
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.output).toMatch(/shell must be bash, zsh, sh or dash/);
    expect(SETTINGS.toolOutputMaxChars).toBeGreaterThan(0);
  });

  it('a `shell` other than the session’s runs its startup files, but secret-named variables they export are unset', async () => {
    const secret = 'sk-otherShellSecret0123456789abcdefXYZ';
    const env = testEnv({ SHELL: '/bin/bash' });
    const home = String(env['HOME']);
    writeFileSync(join(home, '.profile'), `export OPENAI_API_KEY=${secret}\nexport FROM_PROFILE=yes\n`);
    writeFileSync(join(home, '.zshenv'), `export GH_TOKEN=${secret}\n`);
    writeFileSync(join(home, '.zprofile'), `export MY_API_KEY=${secret}\n`);
    const h = harness({ env, profile: 'codex', exec: { maxSessions: 8, bufferChars: 100_000 } });
    managers.push(h.rt.execSessions as ExecSessionManager);
    const run = (shell: string, login: boolean) =>
      h.call('exec_command', {
        cmd: 'echo "ran k=[$OPENAI_API_KEY][$GH_TOKEN][$MY_API_KEY] p=[$FROM_PROFILE]"',
        workdir: null,
        yield_time_ms: null,
        max_output_tokens: null,
        tty: null,
        login,
        shell,
      });
    const cases: Array<[string, boolean]> = [
      ['sh', true],
      ['dash', true],
    ];
    if (existsSync('/usr/bin/zsh') || existsSync('/bin/zsh') || process.env['CI'] === 'true')
      cases.push(['zsh', false], ['zsh', true]);
    for (const [shell, login] of cases) {
      const r = await run(shell, login);
      expect(r.output, `${shell}${login ? ' -l' : ''}`).toContain('ran k=[][][]');
      expect(r.output).not.toContain(secret);
      // A login sh still gets what its profile set up, secrets aside.
      if (shell !== 'zsh') expect(r.output).toContain('p=[yes]');
    }
  });
});
