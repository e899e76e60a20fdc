/**
 * The interactive screen end to end: the built CLI (`npm run build` first) in a real
 * pseudo-terminal (tmux) against an in-process simulator. Types a prompt, approves a command,
 * sees the answer, interrupts a long tool with Esc, exits with Ctrl+C twice; then checks the
 * screen, the terminal mode, and that no process is left. Needs tmux (CI: apt-get install tmux).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scenario, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { sleep, tmuxDriver } from '../helpers/tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/tether.js');
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
// CI must run these: there a missing tmux is a failure, not a skip.
const IN_CI = process.env['CI'] === 'true';
// A duration no other process on the machine is likely to use: the leak check greps for it.
const LONG = 'sleep 37.25';
const SLEEPY = 'sleep 41.75';
const BIG_FILE = Array.from({ length: 80 }, (_, i) => `row ${i + 1}`).join('\n');

const SCENARIO: Scenario = {
  name: 'tui-e2e',
  turns: [
    {
      when: { user: 'marker' },
      steps: [
        {
          say: 'Running the marker command.',
          call: { tool: 'shell', args: { command: "sh -c 'echo e2e-$((6*7))'" } },
        },
        { say: '## Result\n\nE2E answer done: the command printed **42**.' },
      ],
    },
    {
      when: { user: 'long' },
      steps: [
        { say: 'Starting the long job.', call: { tool: 'shell', args: { command: LONG } } },
        { say: 'The long job finished (this should not be reached).' },
      ],
    },
    {
      when: { user: 'sleepy' },
      steps: [
        { say: 'Sleeping a while.', call: { tool: 'shell', args: { command: SLEEPY } } },
        { say: 'The sleep finished (this should not be reached).' },
      ],
    },
    {
      when: { user: 'keyburst' },
      steps: [
        { say: 'Touching.', call: { tool: 'shell', args: { command: 'touch burst-abcdef.txt' } } },
        { say: 'Touch done.' },
      ],
    },
    {
      when: { user: 'big write' },
      steps: [
        {
          say: 'Writing a big file.',
          call: { tool: 'write_file', args: { path: 'big.txt', content: BIG_FILE } },
        },
        { say: 'Big write done.' },
      ],
    },
  ],
  fallback: 'Nothing scripted for that.',
};

let sim: Simulator;
const session = `tether-e2e-${process.pid}`;
let home: string;
let ws: string;

// A private tmux server per file: test files run in parallel, and a shared default server that
// exits when one file's last session ends makes another file's new-session fail.
const SOCKET = `tether-tui-${process.pid}`;
const { tmux, screen, waitFor, waitText } = tmuxDriver(SOCKET, session, 300);

function pidsOf(pattern: string): number[] {
  const r = spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((p) => p !== process.pid);
}

/** Command lines of every descendant of `root`. */
function descendants(root: number): string[] {
  const rows = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] ?? '' }));
  const out: string[] = [];
  const walk = (pid: number) => {
    for (const r of rows.filter((x) => x.ppid === pid)) {
      out.push(r.args);
      walk(r.pid);
    }
  };
  walk(root);
  return out;
}

beforeAll(async () => {
  if (!HAS_TMUX) return;
  // A session that lives as long as the file keeps the private server up: killing the last
  // session makes tmux exit, and a new-session racing that exit fails ("server exited unexpectedly").
  spawnSync('tmux', ['-L', SOCKET, 'new-session', '-d', '-s', 'keeper', 'sleep 86400']);
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  sim = await startSimulator({ scenario: SCENARIO, seed: 3 });
  home = mkdtempSync(join(tmpdir(), 'tether-tui-home-'));
  ws = mkdtempSync(join(tmpdir(), 'tether-tui-ws-'));
  mkdirSync(join(ws, '.git'));
});

afterAll(async () => {
  if (!HAS_TMUX) return;
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  spawnSync('tmux', ['-L', SOCKET, 'kill-session', '-t', session]);
  await sim?.close();
  for (const d of [home, ws]) if (d) rmSync(d, { recursive: true, force: true });
});

describe.runIf(!HAS_TMUX && IN_CI)('tmux in CI', () => {
  it('is installed (the pseudo-terminal tests need it; .ci/install-system-deps.sh installs it)', () => {
    expect(HAS_TMUX).toBe(true);
  });
});

describe.skipIf(!HAS_TMUX)('tether interactive in a pseudo-terminal', () => {
  const envLine = () =>
    [
      `TETHER_HOME=${home}`,
      // A clean HOME: tools run `bash -lc`, and a login shell must not source the developer's
      // rc files (a pyenv rehash lock there can stall every command for 60 s).
      `HOME=${home}`,
      'OPENAI_API_KEY=sk-test-e2e-0123456789abcdefghij',
      `OPENAI_BASE_URL=${sim.url}`,
      'TETHER_APPROVAL=suggest',
      'TETHER_SANDBOX=off',
      'TERM=xterm-256color',
    ].join(' ');

  it('prompt → approve → answer; Esc stops a long tool; Ctrl+C twice exits cleanly', async () => {
    const env = envLine();
    // After tether exits, print its exit code and whether the terminal is back in canonical mode.
    const cmd = `cd ${ws} && env ${env} ${process.execPath} ${BIN}; echo "TETHER_EXIT:$?"; stty -a | tr ' ' '\\n' | grep -x -- '-\\?icanon'; sleep 600`;
    tmux('new-session', '-d', '-s', session, '-x', '110', '-y', '50', cmd);

    await waitText('Ctrl+C twice exits');
    await waitText('ctx 0%');
    tmux('send-keys', '-t', session, '-l', 'please run the marker command');
    await sleep(100);
    tmux('send-keys', '-t', session, 'Enter');

    let s = await waitText('Allow this command?');
    expect(s).toContain("$ sh -c 'echo e2e-$((6*7))'");
    await sleep(400); // the prompt ignores keys for its first 250 ms (focus safety)
    tmux('send-keys', '-t', session, 'y');
    s = await waitText('E2E answer done');
    expect(s).toContain('› please run the marker command');
    expect(s).toContain('e2e-42');
    expect(s).toMatch(/exit 0 · \d/);
    expect(s.split('E2E answer done').length - 1).toBe(1);

    tmux('send-keys', '-t', session, '-l', 'now the long one');
    await sleep(100);
    tmux('send-keys', '-t', session, 'Enter');
    await waitText(`$ ${LONG}`);
    await waitText('Allow this command?');
    await sleep(400);
    tmux('send-keys', '-t', session, 'y');
    await waitFor((x) => /running \d/.test(x), 'the long tool to run');
    expect(pidsOf(LONG).length).toBeGreaterThan(0);
    tmux('send-keys', '-t', session, 'Escape');
    s = await waitText('Interrupted.');
    expect(s).toContain(`■ $ ${LONG}`);
    expect(s).not.toContain('should not be reached');
    // The tool's process group is gone.
    await waitFor(() => pidsOf(LONG).length === 0, 'the long tool to be killed', 5000);

    tmux('send-keys', '-t', session, 'C-c');
    await waitText('Press Ctrl+C again to exit');
    tmux('send-keys', '-t', session, 'C-c');
    s = await waitText('TETHER_EXIT:0');
    expect(s).toMatch(/Session \S+ saved\. Resume it with: tether --resume \S+/);
    // Raw mode is off again (stty reports canonical input).
    s = await waitFor((x) => /^-?icanon$/m.test(x), 'stty output', 5000);
    expect(s).toMatch(/^icanon$/m);
    // Nothing but the pane's own `sleep 600` is left: no tether process, no tool child.
    const panePid = Number(tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim());
    expect(descendants(panePid).filter((a) => a !== 'sleep 600')).toEqual([]);
    expect(
      spawnSync('ps', ['-o', 'args=', '-p', String(panePid)], { encoding: 'utf8' }).stdout,
    ).not.toContain('tether.js');
    expect(pidsOf(LONG)).toEqual([]);
  }, 90_000);

  it('a bare --resume shows the picker and replays the chosen session; Ctrl+D exits', async () => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-session', '-t', session]);
    const cmd = `cd ${ws} && env ${envLine()} ${process.execPath} ${BIN} --resume; echo "TETHER_EXIT:$?"; sleep 600`;
    tmux('new-session', '-d', '-s', session, '-x', '110', '-y', '50', cmd);
    let s = await waitText('Resume which session?');
    expect(s).toContain('please run the marker command');
    tmux('send-keys', '-t', session, 'Enter');
    s = await waitText('resumed session');
    // The earlier conversation is shown again above the new banner.
    expect(s).toContain('› please run the marker command');
    expect(s).toContain('E2E answer done');
    await waitText('ctx 0%');
    tmux('send-keys', '-t', session, 'C-d');
    s = await waitText('TETHER_EXIT:0');
    expect(s).toMatch(/Resume it with: tether --resume \S+/);
  }, 60_000);

  it('--demo runs the tour on the simulator without an API key, stating the model is simulated', async () => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-session', '-t', session]);
    const env = [
      `TETHER_HOME=${home}`,
      `HOME=${home}`,
      'TERM=xterm-256color',
      'TETHER_DEMO_EVENT_DELAY_MS=0',
    ].join(' ');
    // No OPENAI_API_KEY at all.
    const cmd = `cd ${ws} && env -u OPENAI_API_KEY ${env} ${process.execPath} ${BIN} --demo; echo "TETHER_EXIT:$?"; sleep 600`;
    tmux('new-session', '-d', '-s', session, '-x', '110', '-y', '50', cmd);
    let s = await waitText('the model is simulated');
    expect(s).toContain('(simulated)');
    // Approve each command/patch the tour proposes until the answer arrives.
    const end = Date.now() + 45_000;
    while (!s.includes('The tests pass now') && Date.now() < end) {
      s = screen();
      if (s.includes('Allow this')) {
        await sleep(400);
        tmux('send-keys', '-t', session, 'y');
        await sleep(300);
      } else await sleep(150);
    }
    expect(s).toContain('The tests pass now');
    tmux('send-keys', '-t', session, 'C-c');
    await sleep(100);
    tmux('send-keys', '-t', session, 'C-c');
    s = await waitText('TETHER_EXIT:0');
    expect(s).toContain('Demo finished');
  }, 90_000);

  /** Starts tether in a fresh tmux session and waits for the composer. */
  async function start(width = 110, height = 50): Promise<void> {
    spawnSync('tmux', ['-L', SOCKET, 'kill-session', '-t', session]);
    const cmd = `cd ${ws} && env ${envLine()} ${process.execPath} ${BIN}; echo "TETHER_EXIT:$?"; sleep 600`;
    tmux('new-session', '-d', '-s', session, '-x', String(width), '-y', String(height), cmd);
    await waitText('Ctrl+C twice exits');
    await waitText('ctx 0%');
  }
  async function prompt(text: string): Promise<void> {
    tmux('send-keys', '-t', session, '-l', text);
    await sleep(100);
    tmux('send-keys', '-t', session, 'Enter');
  }
  async function approve(key = 'y'): Promise<string> {
    const s = await waitText('Allow this');
    await sleep(400); // the prompt ignores keys for its first 250 ms (focus safety)
    tmux('send-keys', '-t', session, key);
    return s;
  }
  /** The visible pane only (no scrollback). */
  const visible = () => tmux('capture-pane', '-p', '-t', session);

  it('Ctrl+C kills a running command and the session goes on; key bursts are applied, also in the edit field', async () => {
    await start();
    await prompt('run the sleepy one');
    await approve();
    await waitFor(() => pidsOf(SLEEPY).length > 0, 'the sleep to run');
    tmux('send-keys', '-t', session, 'C-c');
    let s = await waitText('Interrupted.');
    expect(s).toContain('Press Ctrl+C again to exit');
    expect(s).not.toContain('should not be reached');
    await waitFor(() => pidsOf(SLEEPY).length === 0, 'the sleep to be killed', 5000);
    // The hint goes when the 2 s window closes, and a later Ctrl+C does not exit.
    await waitFor((x) => !x.includes('Press Ctrl+C again'), 'the hint to go', 6000);

    // A burst: text, then five Backspaces in one send-keys (one write to the terminal).
    tmux('send-keys', '-t', session, '-l', 'keyburst nowXXXXX');
    tmux('send-keys', '-t', session, 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'Enter');
    // The edit field: replace "abcdef" with "xyz" in one burst.
    await approve('e');
    await waitText('edit $');
    tmux('send-keys', '-t', session, ...Array(10).fill('BSpace'), 'x', 'y', 'z', '.', 't', 'x', 't');
    tmux('send-keys', '-t', session, 'Enter');
    s = await waitText('Touch done.');
    expect(s).toContain('› keyburst now\n');
    expect(s).not.toContain('keyburst nowX');
    expect(s).toContain('$ touch burst-xyz.txt');
    // Exactly the edited command ran: no invisible characters in the file name.
    expect(readdirSync(ws).filter((f) => f.startsWith('burst-'))).toEqual(['burst-xyz.txt']);
    tmux('send-keys', '-t', session, 'C-c');
    tmux('send-keys', '-t', session, 'C-c');
    await waitText('TETHER_EXIT:0');
  }, 90_000);

  it('a long diff can be expanded before deciding; a shrink leaves no half-drawn box', async () => {
    await start(110, 40);
    await prompt('do the big write');
    let s = await approve('v');
    expect(s).toMatch(/more diff lines \(v shows all\)/);
    expect(s).not.toContain('+row 80');
    await waitText('↓/PgDn scrolls');
    for (let i = 0; i < 6 && !visible().includes('+row 80'); i++) {
      tmux('send-keys', '-t', session, 'PageDown');
      await sleep(200);
    }
    expect(visible()).toContain('+row 80');
    tmux('send-keys', '-t', session, 'y');
    await waitText('Big write done.');

    tmux('resize-window', '-t', session, '-x', '60', '-y', '40');
    // The repaint follows the resize after a settle time; on a loaded machine it can take longer
    // than a fixed sleep: wait (bounded) for a screen whose boxes are whole, then check it.
    const whole = (x: string) => {
      const ls = x.split('\n');
      const t = ls.filter((l) => l.includes('╭'));
      return (
        t.length > 0 &&
        t.length === ls.filter((l) => l.includes('╰')).length &&
        t.every((l) => l.trimEnd().endsWith('╮'))
      );
    };
    for (let i = 0; i < 50 && !whole(visible()); i++) await sleep(100);
    await sleep(300);
    s = visible();
    const lines = s.split('\n');
    // Every box on screen is whole: as many tops as bottoms, each top line closed on the right.
    const tops = lines.filter((l) => l.includes('╭'));
    expect(tops.length).toBeGreaterThan(0);
    expect(tops.length).toBe(lines.filter((l) => l.includes('╰')).length);
    for (const l of tops) expect(l.trimEnd().endsWith('╮')).toBe(true);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(60);
    expect(s).toContain('Big write done.');
    // Still listening after the resize.
    tmux('send-keys', '-t', session, '-l', 'still here');
    await waitText('› still here');
    tmux('send-keys', '-t', session, 'C-c');
    tmux('send-keys', '-t', session, 'C-c');
    await waitText('TETHER_EXIT:0');
  }, 90_000);
});
