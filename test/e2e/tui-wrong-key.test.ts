/**
 * A wrong API key never hangs the interactive session (issue 16 point 1), end to end: the built
 * CLI in a real pseudo-terminal (tmux) against a simulator that wants another key, default
 * transport. The refusal shows once per attempt, the status bar says "auth refused (401)", the
 * process stays idle (CPU, memory), keys still reach the composer, and Ctrl+C twice, Ctrl+D and
 * SIGTERM each end it. Needs tmux (CI installs it; under CI=true a missing tmux fails the file).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { HAS_TMUX, requireTmuxInCi, sleep, tmuxDriver } from '../helpers/tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/tether.js');
const WRONG_KEY = 'sk-wrong-key-e2e-0123456789abcdef';

requireTmuxInCi();

let sim: Simulator;
/** tether processes seen: killed after each test (a hung one ignores the pane closing). */
const started: number[] = [];
const session = `tether-e2e-key-${process.pid}`;
let home: string;
let ws: string;

// A private tmux server per file: test files run in parallel, and a shared default server that
// exits when one file's last session ends makes another file's new-session fail.
const SOCKET = `tether-tui-wrong-key-${process.pid}`;
const { tmux, screen, waitFor, waitText } = tmuxDriver(SOCKET, session, 300);
const count = (hay: string, needle: string) => hay.split(needle).length - 1;

/** The tether process under the pane's shell. */
function tetherPid(): number {
  const panePid = Number(tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim());
  const rows = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).stdout.split('\n');
  for (const row of rows) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(row);
    if (m && Number(m[2]) === panePid && m[3]?.includes('tether.js')) {
      started.push(Number(m[1]));
      return Number(m[1]);
    }
  }
  throw new Error('tether is not running in the pane');
}

/** CPU seconds (user + system) and resident MB of a process, from /proc. */
function usage(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
  const rssPages = Number(fields[21]);
  return { cpuS: ticks / 100, rssMb: (rssPages * 4096) / 1e6 };
}

beforeAll(async () => {
  if (!HAS_TMUX) return;
  // A session that lives as long as the file keeps the private server up: killing the last
  // session makes tmux exit, and a new-session racing that exit fails ("server exited unexpectedly").
  spawnSync('tmux', ['-L', SOCKET, 'new-session', '-d', '-s', 'keeper', 'sleep 86400']);
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  sim = await startSimulator({ apiKey: 'sk-the-right-key-0123456789abcdef', seed: 3 });
  home = mkdtempSync(join(tmpdir(), 'tether-key-home-'));
  ws = mkdtempSync(join(tmpdir(), 'tether-key-ws-'));
  mkdirSync(join(ws, '.git'));
  // A real-looking login profile (tools run `bash -lc`): exports, an alias, a PATH addition.
  writeFileSync(join(home, '.bashrc'), 'export EDITOR=vi\nexport PATH="$HOME/bin:$PATH"\nalias ll="ls -l"\n');
  writeFileSync(join(home, '.profile'), '[ -f ~/.bashrc ] && . ~/.bashrc\n');
});

afterEach(() => {
  if (HAS_TMUX) spawnSync('tmux', ['-L', SOCKET, 'kill-session', '-t', session]);
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

afterAll(async () => {
  if (!HAS_TMUX) return;
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  await sim?.close();
  for (const d of [home, ws]) if (d) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!HAS_TMUX)('a wrong API key in the interactive session', () => {
  const start = async (): Promise<number> => {
    const env = [
      `TETHER_HOME=${join(home, '.tether')}`,
      `HOME=${home}`,
      `OPENAI_API_KEY=${WRONG_KEY}`,
      `OPENAI_BASE_URL=${sim.url}`,
      'TETHER_SANDBOX=off',
      'TERM=xterm-256color',
    ].join(' ');
    const cmd = `cd ${ws} && env -u TETHER_TRANSPORT ${env} ${process.execPath} ${BIN}; echo "TETHER_EXIT:$?"; sleep 600`;
    tmux('new-session', '-d', '-s', session, '-x', '110', '-y', '40', cmd);
    await waitText('Ctrl+C twice exits');
    return tetherPid();
  };
  const type = async (text: string) => {
    tmux('send-keys', '-t', session, '-l', text);
    await sleep(100);
  };

  it('shows the refusal once per attempt, stays idle and responsive, and exits with Ctrl+C twice', async () => {
    const pid = await start();
    // The warm-up at start already hit the 401: the status bar says so.
    let s = await waitText('auth refused (401)');
    await type('hello there');
    tmux('send-keys', '-t', session, 'Enter');
    s = await waitText('authentication failed');
    await sleep(1500);
    s = screen();
    // One error line for the one prompt: the 401 is never retried or repeated.
    expect(count(s, 'authentication failed')).toBe(1);
    expect(s).toContain('HTTP 401');
    expect(s).not.toContain(WRONG_KEY);
    expect(sim.recorder.requests().filter((r) => r.kind === 'upgrade').length).toBeLessThanOrEqual(2);

    // Idle: the process is not spinning (a starved loop burns a full core) nor growing.
    const before = usage(pid);
    await sleep(2000);
    const after = usage(pid);
    expect(after.cpuS - before.cpuS).toBeLessThan(0.6);
    expect(after.rssMb).toBeLessThan(250);

    // The refused prompt was never sent: it is back in the composer (nothing lost), not
    // "queued", and the bar stays on its final state.
    expect(s).toContain('› hello there');
    expect(s).toContain('not sent (the turn failed)');
    expect(s).not.toContain('queued:');
    expect(s).toContain('auth refused (401)');
    tmux('send-keys', '-t', session, 'C-u');
    await waitFor((x) => !x.includes('› hello there'), 'the composer to clear');

    // Keys still reach the composer.
    await type('still typing');
    await waitText('› still typing');
    tmux('send-keys', '-t', session, 'C-u');
    await waitFor((x) => !x.includes('› still typing'), 'the composer to clear');

    tmux('send-keys', '-t', session, 'C-c');
    await waitText('Press Ctrl+C again to exit');
    tmux('send-keys', '-t', session, 'C-c');
    s = await waitText('TETHER_EXIT:', 8000);
    expect(s).toContain('TETHER_EXIT:0');
    expect(screen()).not.toContain(WRONG_KEY);
  }, 60_000);

  it('Ctrl+D on an empty composer exits after a refused prompt', async () => {
    await start();
    await waitText('auth refused (401)');
    await type('another try');
    tmux('send-keys', '-t', session, 'Enter');
    await waitText('authentication failed');
    // The unsent prompt is back in the composer; Ctrl+D exits once it is empty.
    await waitText('› another try');
    tmux('send-keys', '-t', session, 'C-u');
    await waitFor((x) => !x.includes('› another try'), 'the composer to clear');
    tmux('send-keys', '-t', session, 'C-d');
    const s = await waitText('TETHER_EXIT:', 8000);
    expect(s).toContain('TETHER_EXIT:0');
  }, 60_000);

  it('SIGTERM ends it (exit 143) after a refused prompt', async () => {
    const pid = await start();
    await waitText('auth refused (401)');
    await type('one more');
    tmux('send-keys', '-t', session, 'Enter');
    await waitText('authentication failed');
    process.kill(pid, 'SIGTERM');
    const s = await waitText('TETHER_EXIT:', 8000);
    expect(s).toContain('TETHER_EXIT:143');
  }, 60_000);
});
