import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSandbox, type SandboxInfo } from '../../src/policy/sandbox.js';
import { type ExecRequest, runProcess } from '../../src/tools/exec/run-process.js';
import { killAllToolProcesses } from '../../src/tools/index.js';
import { requireSandboxInCi } from '../security/sandbox-ci.js';
import { harness, tempDir } from './helpers.js';
import { processTree, survivors } from './proc.js';

let info: SandboxInfo;
let server: Server;
let port = 0;

beforeAll(async () => {
  info = await detectSandbox('auto');
  // Under CI a sandbox that cannot run fails here; elsewhere the tests skip with the reason.
  if (info.tier !== 'bwrap') requireSandboxInCi('sandbox tests', info.message, () => undefined);
  server = createServer((s) => {
    s.on('error', () => {});
    s.end('hello\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
});
afterAll(() => {
  server?.close();
  killAllToolProcesses('SIGKILL');
});

const available = () => info?.tier === 'bwrap';

function sandboxHarness() {
  const pids: number[] = [];
  const h = harness({
    sandbox: info,
    executor: { exec: (req: ExecRequest) => runProcess({ ...req, onSpawn: (pid) => pids.push(pid) }) },
  });
  mkdirSync(join(h.ws, '.git'));
  writeFileSync(join(h.ws, '.git', 'config'), '[core]\n');
  writeFileSync(join(h.ws, '.env'), 'SECRET=topsecret\n');
  mkdirSync(join(h.ws, 'pkg'));
  writeFileSync(join(h.ws, 'pkg', '.env.local'), 'TOKEN=abc\n');
  return { h, pids };
}

const sh = (h: ReturnType<typeof harness>, command: string, signal?: AbortSignal) =>
  h.call(
    'shell',
    { command, workdir: null, timeout_ms: 20_000 },
    // Sandboxed runs are the policy's automatic ones (the autorun guard applies to them).
    { sandboxed: true, unreviewed: true, ...(signal ? { signal } : {}) },
  );

describe('bubblewrap sandbox', () => {
  it('detects once and says which tier is active', async () => {
    expect(['bwrap', 'none']).toContain(info.tier);
    expect(info.message).toMatch(/^sandbox: /);
    expect(await detectSandbox('auto')).toEqual(info);
    expect((await detectSandbox('off')).tier).toBe('none');
  });

  it('workspace is writable; outside the workspace is not', async (ctx) => {
    if (!available()) return ctx.skip();
    const { h } = sandboxHarness();
    const outside = tempDir('tether-outside-');
    const r = await sh(
      h,
      `touch ok.txt && echo wrote; touch /etc/tether-x; touch ${outside}/escape; touch /var/tmp/tether-escape-$$; echo done`,
    );
    expect(r.output).toContain('wrote');
    expect(r.output).toMatch(/Read-only file system/);
    expect(existsSync(join(h.ws, 'ok.txt'))).toBe(true);
    expect(existsSync('/etc/tether-x')).toBe(false);
    expect(existsSync(join(outside, 'escape'))).toBe(false);
  });

  it('.git and .tether are read-only, .env files are masked', async (ctx) => {
    if (!available()) return ctx.skip();
    const { h } = sandboxHarness();
    const r = await sh(
      h,
      'echo evil >> .git/config; mkdir -p .tether && echo \'{"prefixes":[["rm"]]}\' > .tether/approvals.json; echo "env=[$(cat .env)] local=[$(cat pkg/.env.local)]"',
    );
    expect(readFileSync(join(h.ws, '.git', 'config'), 'utf8')).toBe('[core]\n');
    expect(existsSync(join(h.ws, '.tether', 'approvals.json'))).toBe(false);
    expect(r.output).toContain('env=[] local=[]');
    expect(r.output).not.toContain('topsecret');
    expect(readFileSync(join(h.ws, '.env'), 'utf8')).toBe('SECRET=topsecret\n');
  });

  it('symlink tricks: .git -> decoy stays read-only, link -> /etc is read-only', async (ctx) => {
    if (!available()) return ctx.skip();
    const { symlinkSync } = await import('node:fs');
    const h = harness({ sandbox: info });
    mkdirSync(join(h.ws, 'decoy'));
    writeFileSync(join(h.ws, 'decoy', 'config'), '[core]\n');
    symlinkSync('decoy', join(h.ws, '.git'));
    symlinkSync('/etc', join(h.ws, 'link'));
    const r = await sh(
      h,
      'echo evil >> .git/config; echo evil >> decoy/config; touch link/tether-x; echo done',
    );
    expect(r.output).toContain('done');
    expect(readFileSync(join(h.ws, 'decoy', 'config'), 'utf8')).toBe('[core]\n');
    expect(existsSync('/etc/tether-x')).toBe(false);
  });

  it('cannot open a TCP connection (network off), while unsandboxed can', async (ctx) => {
    if (!available()) return ctx.skip();
    const { h } = sandboxHarness();
    const cmd = `exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected || echo refused`;
    const plain = await h.call('shell', { command: cmd, workdir: null, timeout_ms: 20_000 });
    expect(plain.output).toContain('connected');
    const boxed = await sh(h, cmd);
    expect(boxed.output).toContain('refused');
    expect(boxed.output).not.toContain('connected');
  });

  it('cancel kills the whole sandboxed tree, setsid escapees included, within 2.5 s', async (ctx) => {
    if (!available()) return ctx.skip();
    const { h, pids } = sandboxHarness();
    const ac = new AbortController();
    const p = sh(h, `sh -c 'setsid sleep 1000 & sleep 1000 & trap "" TERM; sleep 1000'`, ac.signal);
    const sleeps = () => processTree(pids[0] as number).filter((x) => x.cmdline.startsWith('sleep'));
    const ready = async () => {
      for (let i = 0; i < 200 && !(pids.length === 1 && sleeps().length === 3); i++)
        await new Promise((r) => setTimeout(r, 25));
    };
    await ready();
    const tree = processTree(pids[0] as number);
    expect(tree.filter((x) => x.cmdline.startsWith('sleep')).length).toBe(3);
    const t0 = Date.now();
    ac.abort();
    const r = await p;
    expect(r.status).toBe('aborted');
    for (let i = 0; i < 100 && survivors(tree).length > 0; i++)
      await new Promise((res) => setTimeout(res, 25));
    expect(survivors(tree)).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it('a sandboxed run without a sandbox is refused, not silently unsandboxed', async () => {
    const h = harness();
    const r = await h.call(
      'shell',
      { command: 'touch x', workdir: null, timeout_ms: null },
      { sandboxed: true },
    );
    expect(r.status).toBe('error');
    expect(r.output).toMatch(/no sandbox is available/);
    expect(existsSync(join(h.ws, 'x'))).toBe(false);
  });
});
