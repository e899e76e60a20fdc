/**
 * Resizing the interactive screen (issue 16 point 5, revisited): the built CLI in tmux (a private
 * server, `tmux -L`) against the simulator. The pane holds the user's earlier shell output; after
 * 100 → 40 → 120 columns the visible screen has no half-drawn box at any step, the earlier
 * scrollback is still there (no `ESC[3J`), tether's own transcript is not printed twice over the
 * screen, and the session keeps working. Needs tmux (CI installs it; under CI=true a missing tmux
 * fails).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { HAS_TMUX, requireTmuxInCi } from '../helpers/tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/tether.js');
const SOCKET = `resize-${process.pid}`;
const session = 'tether-resize';

requireTmuxInCi();

let sim: Simulator;
let home: string;
let ws: string;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const visible = () => tmux('capture-pane', '-p', '-t', session);
const history = () => tmux('capture-pane', '-p', '-S', '-', '-t', session);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(pred: (s: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    last = visible();
    if (pred(last)) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${last}`);
}

/** Whether every box on the screen is whole (for waiting; {@link expectWholeBoxes} asserts). */
function wholeBoxes(screen: string, columns: number): boolean {
  try {
    expectWholeBoxes(screen, columns);
    return true;
  } catch {
    return false;
  }
}

/** Every box on the screen is whole and no line is wider than the pane. */
function expectWholeBoxes(screen: string, columns: number): void {
  const lines = screen.split('\n');
  const tops = lines.filter((l) => l.includes('╭'));
  expect(tops.length, screen).toBeGreaterThan(0);
  expect(tops.length, screen).toBe(lines.filter((l) => l.includes('╰')).length);
  for (const l of tops) expect(l.trimEnd().endsWith('╮'), screen).toBe(true);
  for (const l of lines.filter((x) => x.includes('╰'))) expect(l.trimEnd().endsWith('╯'), screen).toBe(true);
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(columns);
}

beforeAll(async () => {
  if (!HAS_TMUX) return;
  // A session that lives as long as the file keeps the private server up: killing the last
  // session makes tmux exit, and a new-session racing that exit fails ("server exited unexpectedly").
  spawnSync('tmux', ['-L', SOCKET, 'new-session', '-d', '-s', 'keeper', 'sleep 86400']);
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  sim = await startSimulator({ seed: 9 });
  home = mkdtempSync(join(tmpdir(), 'tether-resize-home-'));
  ws = mkdtempSync(join(tmpdir(), 'tether-resize-ws-'));
  mkdirSync(join(ws, '.git'));
});

afterAll(async () => {
  if (!HAS_TMUX) return;
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  await sim?.close();
  for (const d of [home, ws]) if (d) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!HAS_TMUX)('resizing the interactive screen (tmux)', () => {
  it('100 → 40 → 120 columns: whole boxes, earlier scrollback kept, still listening', async () => {
    const env = [
      `TETHER_HOME=${join(home, '.tether')}`,
      `HOME=${home}`,
      'OPENAI_API_KEY=sk-test-resize-0123456789',
      `OPENAI_BASE_URL=${sim.url}`,
      'TETHER_SANDBOX=off',
      'TERM=xterm-256color',
    ].join(' ');
    // The user's earlier work in this terminal: 150 lines and a marker, then tether.
    const cmd = `seq 1 150; echo EARLIER-SCROLLBACK-MARK; cd ${ws} && env ${env} ${process.execPath} ${BIN}; echo "TETHER_EXIT:$?"; sleep 600`;
    tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', cmd);
    await waitFor((s) => s.includes('Ctrl+C twice exits'), 'the screen');
    tmux('send-keys', '-t', session, '-l', 'hello before the resize');
    tmux('send-keys', '-t', session, 'Enter');
    await waitFor((s) => s.includes('You said: hello before the resize'), 'the answer');

    tmux('resize-window', '-t', session, '-x', '40', '-y', '30');
    // The repaint follows a settle time; on a loaded machine wait (bounded) for it.
    await waitFor((x) => wholeBoxes(x, 40), 'the repaint at 40 columns');
    await sleep(300);
    let s = visible();
    expectWholeBoxes(s, 40);
    expect(s).toContain('You said: hello before the');
    // The answer is on the screen once, not printed again below an old copy.
    expect(s.split('Hello from the tether simulator').length - 1).toBe(1);

    tmux('resize-window', '-t', session, '-x', '120', '-y', '30');
    await waitFor(
      (x) => wholeBoxes(x, 120) && x.includes('websocket ● connected'),
      'the redraw at 120 columns',
    );
    s = visible();
    expectWholeBoxes(s, 120);
    expect(s).toContain('websocket ● connected');

    // The scrollback from before tether survived both resizes.
    const all = history();
    expect(all).toContain('EARLIER-SCROLLBACK-MARK');
    for (const n of ['1', '75', '150']) expect(all.split('\n')).toContain(n);

    tmux('send-keys', '-t', session, '-l', 'after the resize');
    tmux('send-keys', '-t', session, 'Enter');
    s = await waitFor((x) => x.includes('You said: after the resize'), 'the second answer');
    expectWholeBoxes(s, 120);
    tmux('send-keys', '-t', session, 'C-c');
    tmux('send-keys', '-t', session, 'C-c');
    await waitFor((x) => x.includes('TETHER_EXIT:0'), 'the exit');
  }, 60_000);
});
