/**
 * The first connection fails while the interactive session starts (issue 16 point 4: the status
 * bar tells the truth): the built CLI in tmux, before any prompt. An account without quota (429
 * `insufficient_quota` on the upgrade) shows its refusal at once and the bar says "connection
 * failed (429)"; a dead server leaves the bar on "connection failed", not on "connecting" for
 * ever. Keys still work and Ctrl+C twice exits. Needs tmux (CI installs it; under CI=true a
 * missing tmux fails the file).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { HAS_TMUX, requireTmuxInCi, sleep, tmuxDriver } from '../helpers/tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/tether.js');

requireTmuxInCi();

let sim: Simulator;
let home: string;
let ws: string;
const session = `tether-e2e-launch-${process.pid}`;
const SOCKET = `tether-tui-launch-${process.pid}`;
const { tmux, screen, waitText } = tmuxDriver(SOCKET, session, 300);

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

beforeAll(async () => {
  if (!HAS_TMUX) return;
  spawnSync('tmux', ['-L', SOCKET, 'new-session', '-d', '-s', 'keeper', 'sleep 86400']);
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  sim = await startSimulator({ faults: { refuseUpgrade: { status: 429, code: 'insufficient_quota' } } });
  home = mkdtempSync(join(tmpdir(), 'tether-launch-home-'));
  ws = mkdtempSync(join(tmpdir(), 'tether-launch-ws-'));
  mkdirSync(join(ws, '.git'));
  writeFileSync(join(home, '.bashrc'), 'export EDITOR=vi\nexport PATH="$HOME/bin:$PATH"\nalias ll="ls -l"\n');
});

afterEach(() => {
  if (HAS_TMUX) spawnSync('tmux', ['-L', SOCKET, 'kill-session', '-t', session]);
});

afterAll(async () => {
  if (!HAS_TMUX) return;
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  await sim?.close();
  for (const d of [home, ws]) if (d) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!HAS_TMUX)('the first connection fails at launch', () => {
  const start = (baseUrl: string) => {
    const env = [
      `TETHER_HOME=${join(home, '.tether')}`,
      `HOME=${home}`,
      'OPENAI_API_KEY=sk-launch-e2e-0123456789abcdef',
      `OPENAI_BASE_URL=${baseUrl}`,
      'TETHER_SANDBOX=off',
      'TERM=xterm-256color',
    ].join(' ');
    const cmd = `cd ${ws} && env -u TETHER_TRANSPORT ${env} ${process.execPath} ${BIN}; echo "TETHER_EXIT:$?"; sleep 600`;
    tmux('new-session', '-d', '-s', session, '-x', '110', '-y', '30', cmd);
  };
  const exitWithCtrlC = async () => {
    tmux('send-keys', '-t', session, 'C-c');
    await waitText('Press Ctrl+C again to exit');
    tmux('send-keys', '-t', session, 'C-c');
    return waitText('TETHER_EXIT:', 8000);
  };

  it('no quota: the refusal is shown before any prompt, the bar says connection failed (429)', async () => {
    start(sim.url);
    let s = await waitText('connection failed (429)');
    s = await waitText('exceeded your current quota');
    expect(s.split('exceeded your current quota').length - 1).toBe(1);
    expect(s).not.toContain('connecting');
    tmux('send-keys', '-t', session, '-l', 'typed');
    await waitText('› typed');
    tmux('send-keys', '-t', session, 'C-u');
    await sleep(100);
    expect(await exitWithCtrlC()).toContain('TETHER_EXIT:0');
  }, 60_000);

  it('a dead server: the bar leaves "connecting" for "connection failed"', async () => {
    start(`http://127.0.0.1:${await deadPort()}/v1`);
    const s = await waitText('connection failed');
    expect(s).not.toMatch(/… connecting/);
    expect(screen()).toContain('Ctrl+C twice exits');
    expect(await exitWithCtrlC()).toContain('TETHER_EXIT:0');
  }, 60_000);
});
