/**
 * A long streamed answer in a narrow terminal, resized twice while it streams (shrink, then
 * grow): the built CLI (`npm run build` first) in tmux on a private socket (`tmux -L render`)
 * against the simulator, pacing its events. Afterwards the whole scrollback holds every section
 * of the answer exactly once, in order, and every row fits the final width. Needs tmux (CI:
 * apt-get install tmux; there a missing tmux fails).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { generateMarkdown } from '../../src/simulator/markdown-gen.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/tether.js');
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
const IN_CI = process.env['CI'] === 'true';
const SOCKET = 'render';
const session = `tether-render-${process.pid}`;
const ANSWER = generateMarkdown(24_000);
const SECTIONS = (ANSWER.match(/^## Section \d+:/gm) ?? []).length;

let sim: Simulator;
let home: string;
let ws: string;

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
/** The visible pane, or (`all`) the whole scrollback too. */
const capture = (all = false) => tmux('capture-pane', '-p', '-S', all ? '-' : '0', '-t', session);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  pred: (s: string) => boolean,
  what: string,
  timeoutMs = 30_000,
  all = false,
): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    last = capture(all);
    if (pred(last)) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${last}`);
}

beforeAll(async () => {
  if (!HAS_TMUX) return;
  // A session that lives as long as the file keeps the private server up: killing the last
  // session makes tmux exit, and a new-session racing that exit fails ("server exited unexpectedly").
  spawnSync('tmux', ['-L', SOCKET, 'new-session', '-d', '-s', 'keeper', 'sleep 86400']);
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  // ~24k characters in 48-character deltas, one every 3 ms: a few seconds of streaming.
  sim = await startSimulator({
    scenario: {
      name: 'render-e2e',
      chunkChars: 48,
      turns: [{ when: { user: 'long answer' }, steps: [{ say: ANSWER }] }],
      fallback: 'Nothing scripted for that.',
    },
    // ~5 s for the whole answer: slow enough that the resizes below land mid-stream on any machine.
    eventDelayMs: 10,
    seed: 5,
  });
  home = mkdtempSync(join(tmpdir(), 'tether-render-home-'));
  ws = mkdtempSync(join(tmpdir(), 'tether-render-ws-'));
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

describe.skipIf(!HAS_TMUX)('a long answer streamed into a narrow, resized terminal', () => {
  it('ends with every section in scrollback exactly once, in order, within the final width', async () => {
    expect(SECTIONS).toBeGreaterThan(25);
    const env = [
      `TETHER_HOME=${home}`,
      `HOME=${home}`,
      'OPENAI_API_KEY=sk-test-render-0123456789abcdef',
      `OPENAI_BASE_URL=${sim.url}`,
      'TETHER_APPROVAL=suggest',
      'TETHER_SANDBOX=off',
      // Each line exactly once in the whole scrollback is what `resizeRepaint: all` promises (it
      // reprints everything at the new width); the default `screen` keeps the scrollback and may
      // show rows that were on screen during a resize twice (tui-resize.test.ts).
      'TETHER_RESIZE_REPAINT=all',
      'TERM=xterm-256color',
    ].join(' ');
    const cmd = `cd ${ws} && env ${env} ${process.execPath} ${BIN}; echo "TETHER_EXIT:$?"; sleep 600`;
    // A private server with room for the whole answer in its history.
    tmux(
      '-f',
      '/dev/null',
      'start-server',
      ';',
      'set-option',
      '-g',
      'history-limit',
      '100000',
      ';',
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '60',
      '-y',
      '30',
      cmd,
    );
    await waitFor((s) => s.includes('Ctrl+C twice exits') && s.includes('connected'), 'the prompt');
    tmux('send-keys', '-t', session, '-l', 'write a long answer');
    await sleep(100);
    tmux('send-keys', '-t', session, 'Enter');

    // Shrink while it streams, then grow.
    // Progress is the highest section heading anywhere in the scrollback (a heading can scroll out
    // of the visible pane between two polls).
    const reached = (s: string) =>
      Math.max(0, ...[...s.matchAll(/Section (\d+):/g)].map((m) => Number(m[1])));
    await waitFor((s) => reached(s) >= 3, 'the stream to be under way', 30_000, true);
    tmux('resize-window', '-t', session, '-x', '44', '-y', '24');
    await waitFor((s) => reached(s) >= 15, 'the stream to go on', 30_000, true);
    expect(capture()).toContain('Esc to interrupt'); // still streaming
    tmux('resize-window', '-t', session, '-x', '72', '-y', '30');

    await waitFor(
      (s) => !s.includes('Esc to interrupt') && s.includes('suggest ·') && s.includes(`step${SECTIONS}(`),
      'the end of the answer',
      60_000,
    );
    await sleep(500); // let a last frame land
    const all = capture(true);
    const lines = all.split('\n');
    // Every section heading once, in order; the first and last lines of the answer once.
    const headings = lines
      .map((l) => /^Section (\d+):/.exec(l.trim())?.[1])
      .filter(Boolean)
      .map(Number);
    expect(headings).toEqual(Array.from({ length: SECTIONS }, (_, i) => i + 1));
    expect(all.split('Simulated long answer').length - 1).toBe(1);
    expect(all.split('generated by the tether simulator').length - 1).toBe(1);
    const step = (n: number) => all.split(`step${n}(input`).length - 1;
    for (const n of [1, Math.floor(SECTIONS / 2), SECTIONS]) expect(step(n), `step${n}`).toBe(1);
    // The prompt once, the answer's rows within the final width (72 columns).
    expect(all.split('› write a long answer').length - 1).toBe(1);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(72);

    tmux('send-keys', '-t', session, 'C-c');
    await sleep(200);
    tmux('send-keys', '-t', session, 'C-c');
    await waitFor((s) => s.includes('TETHER_EXIT:0'), 'exit');
  }, 120_000);
});
