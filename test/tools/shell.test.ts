import { existsSync, statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { type ExecRequest, runProcess } from '../../src/tools/exec/run-process.js';
import { killAllToolProcesses, liveGroups } from '../../src/tools/index.js';
import { harness, SETTINGS, testEnv } from './helpers.js';
import { processTree, survivors } from './proc.js';

afterAll(() => killAllToolProcesses('SIGKILL'));

/** A harness whose executor reports the spawned pid. */
function spyHarness(settings = SETTINGS) {
  const pids: number[] = [];
  const h = harness({
    settings,
    executor: { exec: (req: ExecRequest) => runProcess({ ...req, onSpawn: (pid) => pids.push(pid) }) },
  });
  return { h, pids };
}

async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

describe('shell', () => {
  it('runs a command and reports exit code and output', async () => {
    const h = harness();
    const ok = await h.call('shell', {
      command: 'echo hello; echo err >&2',
      workdir: null,
      timeout_ms: null,
    });
    expect(ok.status).toBe('ok');
    expect(ok.exitCode).toBe(0);
    expect(ok.output).toContain('hello');
    expect(ok.output).toContain('err');
    const bad = await h.call('shell', { command: 'exit 3', workdir: null, timeout_ms: null });
    expect(bad.status).toBe('error');
    expect(bad.exitCode).toBe(3);
    expect(bad.output).toContain('[exit code 3]');
  });

  it('runs in workdir, refuses a workdir outside the workspace', async () => {
    const h = harness();
    await h.call('write_file', { path: 'sub/f.txt', content: 'x' });
    const r = await h.call('shell', { command: 'pwd; ls', workdir: 'sub', timeout_ms: null });
    expect(r.output).toContain(`${h.ws}/sub`);
    expect(r.output).toContain('f.txt');
    const out = await h.call('shell', { command: 'pwd', workdir: '/etc', timeout_ms: null });
    expect(out.status).toBe('error');
    expect(out.output).toMatch(/outside the workspace/);
  });

  it('rejects invalid arguments with a model-readable message', async () => {
    const h = harness();
    const p1 = await h.rt.prepare({ callId: 'c', name: 'shell', arguments: '{"command": 1}' });
    expect(p1.ok).toBe(false);
    if (!p1.ok) expect(p1.output).toMatch(/Invalid arguments for shell: .*command.*Please rewrite/);
    const p2 = await h.rt.prepare({ callId: 'c', name: 'shell', arguments: '{not json' });
    expect(!p2.ok && p2.output).toMatch(/not valid JSON/);
    const p3 = await h.rt.prepare({ callId: 'c', name: 'nope', arguments: '{}' });
    expect(!p3.ok && p3.output).toMatch(/Unknown tool "nope"/);
    const p4 = await h.rt.prepare({
      callId: 'c',
      name: 'shell',
      arguments: '{"command":"ls","workdir":null,"timeout_ms":null,"extra":1}',
    });
    expect(!p4.ok && p4.output).toMatch(/unknown property "extra"/);
  });

  it("cancelling sh -c 'sleep 1000 & sleep 1000' leaves no process of the tree within 2.5 s", async () => {
    const { h, pids } = spyHarness();
    const ac = new AbortController();
    const p = h.call(
      'shell',
      { command: "sh -c 'sleep 1000 & sleep 1000'", workdir: null, timeout_ms: null },
      { signal: ac.signal },
    );
    expect(
      await until(
        () =>
          pids.length === 1 &&
          processTree(pids[0] as number).filter((x) => x.cmdline.startsWith('sleep')).length === 2,
        5000,
      ),
    ).toBe(true);
    const tree = processTree(pids[0] as number);
    expect(tree.length).toBeGreaterThanOrEqual(3);
    const t0 = Date.now();
    ac.abort();
    const r = await p;
    expect(r.status).toBe('aborted');
    expect(r.output).toMatch(/^aborted/);
    expect(await until(() => survivors(tree).length === 0, 2500)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it('escalates to SIGKILL for a tree that traps SIGTERM', async () => {
    const { h, pids } = spyHarness();
    const ac = new AbortController();
    const p = h.call(
      'shell',
      {
        command: `trap '' TERM; sh -c "trap '' TERM; sleep 1000" & sleep 1000`,
        workdir: null,
        timeout_ms: null,
      },
      { signal: ac.signal },
    );
    expect(
      await until(
        () =>
          pids.length === 1 &&
          processTree(pids[0] as number).filter((x) => x.cmdline.startsWith('sleep')).length === 2,
        5000,
      ),
    ).toBe(true);
    const tree = processTree(pids[0] as number);
    const t0 = Date.now();
    ac.abort();
    const r = await p;
    expect(r.status).toBe('aborted');
    expect(await until(() => survivors(tree).length === 0, 3000)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('unsandboxed cancel also reaches a setsid child that left the group', async () => {
    const { h, pids } = spyHarness();
    const ac = new AbortController();
    const p = h.call(
      'shell',
      {
        command: `sh -c 'setsid sleep 1000 & sleep 1000 & trap "" TERM; sleep 1000'`,
        workdir: null,
        timeout_ms: null,
      },
      { signal: ac.signal },
    );
    const sleeps = () => processTree(pids[0] as number).filter((x) => x.cmdline.startsWith('sleep'));
    expect(await until(() => pids.length === 1 && sleeps().length === 3, 5000)).toBe(true);
    const tree = processTree(pids[0] as number);
    const t0 = Date.now();
    ac.abort();
    expect((await p).status).toBe('aborted');
    expect(await until(() => survivors(tree).length === 0, 2500)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it('killAllToolProcesses (CLI exit path) kills every live tool tree', async () => {
    const { h, pids } = spyHarness();
    const p1 = h.call('shell', { command: 'sleep 1001 & sleep 1001', workdir: null, timeout_ms: null });
    const p2 = h.call('shell', { command: 'sleep 1002', workdir: null, timeout_ms: null });
    expect(
      await until(
        () =>
          pids.length === 2 && pids.every((p) => processTree(p).some((x) => x.cmdline.startsWith('sleep'))),
        5000,
      ),
    ).toBe(true);
    const trees = pids.flatMap((p) => processTree(p));
    expect(liveGroups()).toEqual(expect.arrayContaining(pids));
    killAllToolProcesses('SIGKILL');
    const [r1, r2] = await Promise.all([p1, p2]);
    expect(r1.exitCode).toBe(137);
    expect(r2.exitCode).toBe(137);
    expect(await until(() => survivors(trees).length === 0, 2000)).toBe(true);
    expect(liveGroups().filter((g) => pids.includes(g))).toEqual([]);
  });

  it('kills sleep 1000 at its (configured) timeout with a clear note and exit code 124', async () => {
    const h = harness({ settings: { ...SETTINGS, toolTimeoutMs: 1000 } });
    const t0 = Date.now();
    const r = await h.call('shell', { command: 'echo started; sleep 1000', workdir: null, timeout_ms: null });
    expect(Date.now() - t0).toBeLessThan(4500);
    expect(r.status).toBe('timeout');
    expect(r.exitCode).toBe(124);
    expect(r.output).toContain('started');
    expect(r.output).toMatch(/timed out after 1000 ms and was killed.*exit code 124/);
  });

  it('clamps a requested timeout to toolMaxTimeoutMs', async () => {
    const h = harness({ settings: { ...SETTINGS, toolMaxTimeoutMs: 300 } });
    const r = await h.call('shell', { command: 'sleep 1000', workdir: null, timeout_ms: 3_600_000 });
    expect(r.status).toBe('timeout');
    expect(r.output).toMatch(/after 300 ms/);
  });

  it('kills a silent command at the inactivity timeout', async () => {
    const h = harness({ settings: { ...SETTINGS, toolInactivityTimeoutMs: 400 } });
    const r = await h.call('shell', { command: 'echo hi; sleep 1000', workdir: null, timeout_ms: 20_000 });
    expect(r.status).toBe('timeout');
    expect(r.exitCode).toBe(124);
    expect(r.output).toMatch(/printed nothing for 400 ms.*inactivity/);
  });

  it('output keeps resetting the inactivity timer', async () => {
    const h = harness({ settings: { ...SETTINGS, toolInactivityTimeoutMs: 1500 } });
    const r = await h.call('shell', {
      command: 'for i in 1 2 3 4 5 6; do echo $i; sleep 0.4; done',
      workdir: null,
      timeout_ms: null,
    });
    expect(r.status).toBe('ok');
    expect(r.output).toContain('6');
  });

  it('returns promptly when a background child keeps the pipe open', async () => {
    const h = harness();
    const t0 = Date.now();
    const r = await h.call('shell', { command: 'sleep 30 & echo hi', workdir: null, timeout_ms: null });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(r.output).toContain('hi');
  });

  it('decodes UTF-8 split across chunks', async () => {
    const h = harness();
    const r = await h.call('shell', {
      command: "printf '\\303'; sleep 0.2; printf '\\251t\\351\\n' | head -c 3; echo",
      workdir: null,
      timeout_ms: null,
    });
    expect(r.output).toContain('ét');
  });

  it('binary output is replaced by a note and spilled', async () => {
    const h = harness();
    const r = await h.call('shell', {
      command: "printf 'ELF\\000\\001\\002binary'",
      workdir: null,
      timeout_ms: null,
    });
    expect(r.output).toMatch(/^\[binary output: 12 bytes; saved to .*\]/);
    expect(r.spillPath).toBeDefined();
    expect(statSync(r.spillPath as string).size).toBe(12);
  });

  it('env through shell shows no secrets', async () => {
    const env = testEnv({
      OPENAI_API_KEY: 'sk-test-abcdefghijklmnopqrstuvwxyz012345',
      GITHUB_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      MY_SECRET: 'x-very-secret-value',
      INNOCENT_LOOKING: 'ghp_zyxwvutsrqponmlkjihgfedcba9876543210',
      KEEP_ME: 'visible-value',
    });
    const h = harness({ env });
    const r = await h.call('shell', { command: 'env', workdir: null, timeout_ms: null });
    expect(r.status).toBe('ok');
    expect(r.output).not.toContain('sk-test-');
    expect(r.output).not.toContain('OPENAI_API_KEY');
    expect(r.output).not.toContain('ghp_');
    expect(r.output).not.toContain('x-very-secret-value');
    expect(r.output).toContain('KEEP_ME=visible-value');
    expect(r.output).toMatch(/^PATH=/m);
  });

  it('50 MB of output: bounded memory, truncation marker, spill file with all bytes', async () => {
    const h = harness();
    if (global.gc) global.gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    let live = 0;
    const prepared = await h.rt.prepare({
      callId: 'big',
      name: 'shell',
      arguments: JSON.stringify({ command: 'yes | head -c 50000000', workdir: null, timeout_ms: null }),
    });
    if (!prepared.ok) throw new Error(prepared.output);
    const r = await h.rt.run(prepared, {
      signal: new AbortController().signal,
      sandboxed: false,
      onOutput: (c) => (live += c.length),
    });
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMb = (peak - before) / 1024 / 1024;
    console.log(`50 MB flood: rss growth ${growthMb.toFixed(1)} MB, ${r.durationMs} ms`);
    expect(growthMb).toBeLessThan(64);
    expect(r.status).toBe('ok');
    expect(r.truncated).toBe(true);
    expect(r.output.length).toBeLessThan(SETTINGS.toolOutputMaxChars + 500);
    expect(r.output).toMatch(/output truncated: \d+ characters/);
    expect(r.spillPath).toBeDefined();
    expect(r.output).toContain(r.spillPath as string);
    expect(statSync(r.spillPath as string).size).toBe(50_000_000);
    expect(statSync(r.spillPath as string).mode & 0o777).toBe(0o600);
    expect(live).toBeGreaterThan(0);
    // The model can read the spill file.
    const tail = await h.call('read_file', { path: r.spillPath as string, start_line: 1000, end_line: 1002 });
    expect(tail.status).toBe('ok');
    expect(tail.output).toContain('  1000\ty');
  });

  it('user-edited command override is what runs', async () => {
    const h = harness();
    const prepared = await h.rt.prepare({
      callId: 'o',
      name: 'shell',
      arguments: JSON.stringify({ command: 'echo original', workdir: null, timeout_ms: null }),
    });
    if (!prepared.ok) throw new Error(prepared.output);
    const r = await h.rt.run(prepared, {
      signal: new AbortController().signal,
      sandboxed: false,
      commandOverride: 'echo edited',
    });
    expect(r.output).toContain('edited');
    expect(r.output).not.toContain('original');
  });

  it('a pre-aborted signal returns aborted without running', async () => {
    const h = harness();
    const ac = new AbortController();
    ac.abort();
    const r = await h.call(
      'shell',
      { command: 'touch ran.txt', workdir: null, timeout_ms: null },
      { signal: ac.signal },
    );
    expect(r.status).toBe('aborted');
    expect(r.output).toBe('aborted');
    expect(existsSync(`${h.ws}/ran.txt`)).toBe(false);
  });
});
